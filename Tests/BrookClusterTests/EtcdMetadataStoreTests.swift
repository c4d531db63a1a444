@testable import BrookCluster
import BrookEtcd
import BrookProtocol
import BrookTestSupport
import Foundation
import XCTest

/// `EtcdMetadataStore` against a real etcd: the key layout it writes, several stores sharing one
/// etcd, races, watch recovery and undecodable values.
final class EtcdMetadataStoreTests: XCTestCase {
    private func record(_ name: String, partitions: Int, replicas: [Int32] = [1, 2, 3]) -> TopicMetadataRecord {
        MetadataStoreConformance.record(name, partitions: partitions, replicas: replicas)
    }

    func testATopicAndItsPartitionStatesAreWrittenAndRemovedTogether() async throws {
        try await withEtcdStore { fixture in
            let store = try await fixture.store()
            let state = fixture.clusterState()
            let created = try await store.createTopic(record("orders", partitions: 2, replicas: [2, 3, 1]))

            let raw = try await fixture.client().get(fixture.layout.topic("orders"))
            let json = try JSONSerialization.jsonObject(with: Data(try XCTUnwrap(raw.first).value)) as? [String: Any]
            XCTAssertEqual(json?["id"] as? String, created.topicId.description)
            XCTAssertEqual(json?["partitions"] as? [[Int]], [[2, 3, 1], [2, 3, 1]])
            XCTAssertEqual(raw.first?.modRevision, created.version.revision)

            let initial = try await state.partitionStates(of: "orders")
            XCTAssertEqual(initial.keys.sorted(), [0, 1])
            XCTAssertEqual(initial[0]?.value, PartitionLeadershipState(leader: 2, leaderEpoch: 0, isr: [2, 3, 1], partitionEpoch: 0))
            XCTAssertEqual(initial[0]?.version, created.version, "one transaction wrote them all")

            let grown = try await store.addPartitions(named: "orders", assignments: [[3, 1, 2]], expectedVersion: created.version)
            let afterGrowth = try await state.partitionStates(of: "orders")
            XCTAssertEqual(afterGrowth.keys.sorted(), [0, 1, 2])
            XCTAssertEqual(afterGrowth[2]?.value.leader, 3)
            XCTAssertEqual(afterGrowth[0]?.version, created.version, "existing partition states are left alone")

            // A topic whose name extends this one keeps its partitions when this one is deleted.
            _ = try await store.createTopic(record("orders2", partitions: 1))
            try await store.deleteTopic(named: "orders", expectedVersion: grown.version)
            let remaining = try await fixture.client().getPrefix(fixture.layout.partitionsPrefix)
            XCTAssertEqual(remaining.kvs.map(\.keyString), [fixture.layout.partition("orders2", 0)])
            expectEqual(try await store.loadTopics().map(\.name), ["orders2"])
        }
    }

    func testAReaderSeesTheVersionTheWriterGot() async throws {
        try await withEtcdStore { fixture in
            let writer = try await fixture.store()
            let reader = try await fixture.store()
            let created = try await writer.createTopic(record("orders", partitions: 1))
            expectEqual(try await reader.loadTopics().map(\.version), [created.version])
            let updated = try await reader.replaceTopicConfigs(named: "orders", with: ["a": "b"], expectedVersion: created.version)
            await assertEtcdStoreThrows({
                _ = try await writer.replaceTopicConfigs(named: "orders", with: ["c": "d"], expectedVersion: created.version)
            }) { error in
                XCTAssertEqual(error as? MetadataStoreError,
                               .versionConflict(key: "orders", expected: created.version, actual: updated.version))
            }
        }
    }

    func testTwoStoresSeeEachOthersChanges() async throws {
        try await withEtcdStore { fixture in
            let first = try await fixture.store()
            let second = try await fixture.store()
            let seenByFirst = first.changes()
            let seenBySecond = second.changes()
            let created = try await first.createTopic(record("orders", partitions: 1))
            let configsVersion = try await second.replaceDynamicBrokerConfigs(["default.x": "1"], expectedVersion: .absent)
            try await second.deleteTopic(named: "orders", expectedVersion: created.version)
            let expected: [MetadataChange] = [
                .topicCreated(created),
                .dynamicBrokerConfigsChanged(Versioned(["default.x": "1"], version: configsVersion)),
                .topicDeleted(name: "orders", version: MetadataVersion(revision: configsVersion.revision + 1)),
            ]
            let receivedByFirst = await prefix(3, of: seenByFirst)
            let receivedBySecond = await prefix(3, of: seenBySecond)
            XCTAssertEqual(receivedByFirst, expected)
            XCTAssertEqual(receivedBySecond, expected)
        }
    }

    func testWritesToOtherRootsAndKeysAreNotChanges() async throws {
        try await withEtcdStore { fixture in
            let store = try await fixture.store()
            let changes = store.changes()
            let client = fixture.client()
            try await client.put("/elsewhere/topics/x", "{}")
            try await client.put(fixture.layout.partition("x", 0), "{}")
            let version = try await store.replaceDynamicBrokerConfigs(["k": "v"], expectedVersion: .absent)
            let received = await prefix(1, of: changes)
            XCTAssertEqual(received, [.dynamicBrokerConfigsChanged(Versioned(["k": "v"], version: version))])
        }
    }

    func testProducerIdBlocksAreUniqueWhenStoresRace() async throws {
        try await withEtcdStore { fixture in
            let stores = [try await fixture.store(), try await fixture.store(), try await fixture.store()]
            let blocks = try await withThrowingTaskGroup(of: [ProducerIdBlock].self) { group in
                for store in stores {
                    group.addTask {
                        var mine: [ProducerIdBlock] = []
                        for _ in 0..<15 { mine.append(try await store.allocateProducerIdBlock(size: 100)) }
                        return mine
                    }
                }
                var all: [ProducerIdBlock] = []
                for try await mine in group { all += mine }
                return all
            }
            // 45 blocks of 100, none shared, none skipped: exactly 0 ..< 4500.
            XCTAssertEqual(blocks.map(\.firstId).sorted(), Array(stride(from: Int64(0), to: 4500, by: 100)))
            let counter = try await fixture.client().get(fixture.layout.producerIdNextBlock)
            XCTAssertEqual(counter.first?.valueString, "4500")
        }
    }

    func testConcurrentFirstStartsAgreeOnOneClusterId() async throws {
        try await withEtcdStore { fixture in
            let stores = [try await fixture.store(), try await fixture.store(), try await fixture.store()]
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask { try await store.clusterId(proposing: "candidate-\(index)") }
                }
                var ids: Set<String> = []
                for try await id in group { ids.insert(id) }
                return ids
            }
            XCTAssertEqual(ids.count, 1)
            XCTAssertTrue(ids.first?.hasPrefix("candidate-") ?? false)
        }
    }

    func testTheWatchResumesAfterEtcdRestarts() async throws {
        try await withEtcdStore { fixture in
            let store = try await fixture.store(configuration: .init(minReconnectDelay: .milliseconds(50),
                                                                     maxReconnectDelay: .milliseconds(200)))
            let changes = store.changes()
            let before = try await store.createTopic(record("before", partitions: 1))
            expectEqual(await prefix(1, of: changes), [.topicCreated(before)])

            fixture.etcd.kill()
            try fixture.etcd.restart()
            // Written by another broker, possibly before the watch is back: resumed from the last
            // revision seen, the watch still reports it.
            let other = try await fixture.store()
            let after = try await other.createTopic(record("after", partitions: 1))
            expectEqual(await prefix(1, of: changes), [.topicCreated(after)])
            XCTAssertGreaterThanOrEqual(store.watcher.watchRestarts, 1)
            XCTAssertEqual(store.watcher.compactionResyncs, 0)
        }
    }

    /// The watch is down (etcd restarting) while topics change and history is compacted: when it
    /// comes back it cannot resume, re-reads the root and reports what changed meanwhile.
    func testLostHistoryIsRecoveredByReReading() async throws {
        try await withEtcdStore { fixture in
            // Retries far apart, so the writes and the compaction below land before the watch is back.
            let store = try await fixture.store(configuration: .init(minReconnectDelay: .seconds(4),
                                                                     maxReconnectDelay: .seconds(4)))
            let changes = store.changes()
            let clusterChanges = store.clusterStateChanges()
            let kept = try await store.createTopic(record("kept", partitions: 1))
            let doomed = try await store.createTopic(record("doomed", partitions: 1))
            _ = await prefix(2, of: changes)

            fixture.etcd.kill()
            try fixture.etcd.restart()
            let other = try await fixture.store()
            let updated = try await other.replaceTopicConfigs(named: "kept", with: ["retention.ms": "1"], expectedVersion: kept.version)
            try await other.deleteTopic(named: "doomed", expectedVersion: doomed.version)
            let added = try await other.createTopic(record("added", partitions: 1))
            let client = fixture.client()
            let compactAt = try await client.put(fixture.layout.root + "unrelated", "x").header.revision
            try await client.compact(revision: compactAt)

            let received = await prefix(3, of: changes, timeoutSeconds: 20)
            XCTAssertEqual(received.count, 3)
            XCTAssertEqual(Set(received.prefix(2)), [.topicCreated(added), .topicUpdated(updated)])
            XCTAssertEqual(received.last, .topicDeleted(name: "doomed", version: MetadataVersion(revision: compactAt)))
            XCTAssertEqual(store.watcher.compactionResyncs, 1)
            let partitions = await prefix(4, of: clusterChanges)
            let initial = PartitionLeadershipState.initial(replicas: [1, 2, 3])
            XCTAssertEqual(partitions, [
                .partition(topic: "kept", index: 0, Versioned(initial, version: kept.version)),
                .partition(topic: "doomed", index: 0, Versioned(initial, version: doomed.version)),
                .partition(topic: "added", index: 0, Versioned(initial, version: added.version)),
                .partition(topic: "doomed", index: 0, nil),
            ])
        }
    }

    func testUndecodableValuesAreClearErrors() async throws {
        try await withEtcdStore { fixture in
            let store = try await fixture.store()
            let client = fixture.client()
            let changes = store.changes()
            try await client.put(fixture.layout.topic("broken"), "{not json")
            await assertEtcdStoreThrows({ _ = try await store.loadTopics() }) { error in
                guard case .storage(let message)? = error as? MetadataStoreError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains(fixture.layout.topic("broken")), message)
                XCTAssertTrue(message.contains("topic record"), message)
            }
            try await client.put(fixture.layout.topic("broken"), #"{"id":"not-a-uuid","partitions":[[1]]}"#)
            await assertEtcdStoreThrows({ _ = try await store.loadTopics() }) { error in
                guard case .storage(let message)? = error as? MetadataStoreError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("not a Kafka UUID"), message)
            }
            try await client.put(fixture.layout.brokerConfigs, #"{"a":1}"#)
            await assertEtcdStoreThrows({ _ = try await store.dynamicBrokerConfigs() }) { error in
                guard case .storage(let message)? = error as? MetadataStoreError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("broker config map"), message)
            }
            try await client.put(fixture.layout.producerIdNextBlock, "lots")
            await assertEtcdStoreThrows({ _ = try await store.allocateProducerIdBlock(size: 10) }) { error in
                guard case .storage(let message)? = error as? MetadataStoreError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("decimal"), message)
            }
            try await client.put(fixture.layout.partition("orders", 0), "[]")
            await assertEtcdStoreThrows({ _ = try await fixture.clusterState().partitionStates(of: "orders") }) { error in
                guard case .storage(let message)? = error as? MetadataStoreError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains("partition state"), message)
            }

            // The watch skips what it cannot read and carries on.
            let good = try await store.createTopic(record("good", partitions: 1))
            expectEqual(await prefix(1, of: changes), [.topicCreated(good)])
        }
    }

    func testNewerFieldsAreIgnored() async throws {
        try await withEtcdStore { fixture in
            let id = KafkaUUID.random()
            try await fixture.client().put(fixture.layout.topic("future"),
                                           #"{"id":"\#(id)","partitions":[[1,2]],"configs":{"a":"b"},"tier":"cold"}"#)
            try await fixture.client().put(fixture.layout.partition("future", 0),
                                           #"{"leader":1,"leaderEpoch":4,"isr":[1],"partitionEpoch":9,"directories":[]}"#)
            let store = try await fixture.store()
            let topics = try await store.loadTopics()
            XCTAssertEqual(MetadataStoreConformance.withoutVersions(topics), [
                TopicMetadataRecord(name: "future", topicId: id, replicaAssignment: [[1, 2]], configs: ["a": "b"]),
            ])
            let state = try await fixture.clusterState().partitionState(topic: "future", index: 0)
            XCTAssertEqual(state?.value, PartitionLeadershipState(leader: 1, leaderEpoch: 4, isr: [1], partitionEpoch: 9))
        }
    }

    func testTopicNamesThatCannotBeKeysAreRefused() async throws {
        try await withEtcdStore { fixture in
            let store = try await fixture.store()
            await assertEtcdStoreThrows({ _ = try await store.createTopic(self.record("a/b", partitions: 1)) }) { error in
                guard case .invalid? = error as? MetadataStoreError else { return XCTFail("\(error)") }
            }
        }
    }
}
