@testable import BrookCluster
import BrookProtocol
import BrookStorage
import BrookTestSupport
import Foundation
import XCTest

/// What every `MetadataStore` promises, written once against the protocol: each check takes a
/// factory for a fresh handle on the same stored data (a reopen for the local files, another store
/// on the same etcd root). `LocalMetadataStore` and `EtcdMetadataStore` both run it below.
enum MetadataStoreConformance {
    typealias Open = () async throws -> any MetadataStore

    static func record(_ name: String, partitions: Int, replicas: [Int32] = [1],
                       configs: [String: String] = [:]) -> TopicMetadataRecord {
        TopicMetadataRecord(name: name, topicId: KafkaUUID.random(),
                            replicaAssignment: Array(repeating: replicas, count: partitions), configs: configs)
    }

    static func withoutVersions(_ records: [TopicMetadataRecord]) -> [TopicMetadataRecord] {
        records.map {
            var r = $0
            r.version = .absent
            return r
        }
    }

    static func topicsRoundTrip(_ open: Open) async throws {
        let first = try await open()
        let orders = record("orders", partitions: 3, configs: ["retention.ms": "1000", "odd=key": "a\nb\\c"])
        let audit = record("audit.log", partitions: 1)
        let storedOrders = try await first.createTopic(orders)
        XCTAssertNotEqual(storedOrders.version, .absent)
        _ = try await first.createTopic(audit)
        expectEqual(withoutVersions(try await open().loadTopics()), [audit, orders])

        let grown = try await first.addPartitions(named: "orders", assignments: [[1], [1]], expectedVersion: storedOrders.version)
        XCTAssertEqual(grown.partitionCount, 5)
        XCTAssertGreaterThan(grown.version, storedOrders.version)
        let reconfigured = try await first.replaceTopicConfigs(named: "orders", with: ["cleanup.policy": "compact"],
                                                               expectedVersion: grown.version)
        var expected = orders
        expected.replicaAssignment = Array(repeating: [1], count: 5)
        expected.configs = ["cleanup.policy": "compact"]
        XCTAssertEqual(withoutVersions([reconfigured]), [expected])
        expectEqual(withoutVersions(try await open().loadTopics()), [audit, expected])

        try await first.deleteTopic(named: "audit.log", expectedVersion: try await first.loadTopics()[0].version)
        expectEqual(try await open().loadTopics().map(\.name), ["orders"])
    }

    static func creatingAnExistingTopicFails(_ open: Open) async throws {
        let first = try await open()
        let original = try await first.createTopic(record("orders", partitions: 2))
        for store in [first, try await open()] {
            await assertEtcdStoreThrows({ _ = try await store.createTopic(record("orders", partitions: 7)) }) { error in
                XCTAssertEqual(error as? MetadataStoreError, .topicExists("orders"))
            }
        }
        let loaded = try await open().loadTopics()
        XCTAssertEqual(loaded.map(\.topicId), [original.topicId])
        XCTAssertEqual(loaded.map(\.partitionCount), [2])
    }

    static func staleWritesAreRefused(_ open: Open) async throws {
        let store = try await open()
        let created = try await store.createTopic(record("orders", partitions: 1))
        let updated = try await store.replaceTopicConfigs(named: "orders", with: ["retention.ms": "5"], expectedVersion: created.version)
        let writes: [() async throws -> Void] = [
            { _ = try await store.replaceTopicConfigs(named: "orders", with: [:], expectedVersion: created.version) },
            { _ = try await store.addPartitions(named: "orders", assignments: [[1]], expectedVersion: created.version) },
            { try await store.deleteTopic(named: "orders", expectedVersion: created.version) },
        ]
        for write in writes {
            await assertEtcdStoreThrows(write) { error in
                XCTAssertEqual(error as? MetadataStoreError,
                               .versionConflict(key: "orders", expected: created.version, actual: updated.version))
            }
        }
        await assertEtcdStoreThrows({ try await store.deleteTopic(named: "missing", expectedVersion: .absent) }) { error in
            XCTAssertEqual(error as? MetadataStoreError, .topicNotFound("missing"))
        }
        await assertEtcdStoreThrows({
            _ = try await store.replaceTopicConfigs(named: "missing", with: [:], expectedVersion: .absent)
        }) { error in
            XCTAssertEqual(error as? MetadataStoreError, .topicNotFound("missing"))
        }
        let reloaded = try await open().loadTopics()
        XCTAssertEqual(reloaded.map(\.configs), [["retention.ms": "5"]])
        XCTAssertEqual(reloaded.map(\.partitionCount), [1])
    }

    static func dynamicBrokerConfigsCompareAndSwap(_ open: Open) async throws {
        let store = try await open()
        let initial = try await store.dynamicBrokerConfigs()
        XCTAssertEqual(initial, Versioned([:], version: .absent))
        let values = ["broker.log.retention.ms": "100", "default.compression.type": "zstd"]
        let version = try await store.replaceDynamicBrokerConfigs(values, expectedVersion: .absent)
        await assertEtcdStoreThrows({ _ = try await store.replaceDynamicBrokerConfigs([:], expectedVersion: .absent) }) { error in
            XCTAssertEqual(error as? MetadataStoreError,
                           .versionConflict(key: "dynamic broker configs", expected: .absent, actual: version))
        }
        expectEqual(try await open().dynamicBrokerConfigs(), Versioned(values, version: version))
    }

    static func clusterIdIsCreatedOnce(_ open: Open) async throws {
        expectEqual(try await open().clusterId(proposing: "first-id"), "first-id")
        expectEqual(try await open().clusterId(proposing: "second-id"), "first-id")
    }

    static func producerIdBlocksFollowEachOther(_ open: Open) async throws {
        let first = try await open()
        expectEqual(try await first.allocateProducerIdBlock(size: 1000), ProducerIdBlock(firstId: 0, count: 1000))
        expectEqual(try await first.allocateProducerIdBlock(size: 10), ProducerIdBlock(firstId: 1000, count: 10))
        expectEqual(try await open().allocateProducerIdBlock(size: 1000), ProducerIdBlock(firstId: 1010, count: 1000))
    }

    static func changeStreamReportsEveryWriteInOrder(_ open: Open) async throws {
        let store = try await open()
        let changes = store.changes()
        let created = try await store.createTopic(record("orders", partitions: 1))
        let grown = try await store.addPartitions(named: "orders", assignments: [[1]], expectedVersion: created.version)
        let reconfigured = try await store.replaceTopicConfigs(named: "orders", with: ["retention.ms": "1"],
                                                               expectedVersion: grown.version)
        let dynamicVersion = try await store.replaceDynamicBrokerConfigs(["default.retention.ms": "2"], expectedVersion: .absent)
        try await store.deleteTopic(named: "orders", expectedVersion: reconfigured.version)
        // A failed write is not a change.
        await assertEtcdStoreThrows({ try await store.deleteTopic(named: "orders", expectedVersion: reconfigured.version) }) { _ in }

        let received = await prefix(5, of: changes)
        XCTAssertEqual(received.count, 5)
        XCTAssertEqual(Array(received.prefix(4)), [
            .topicCreated(created), .topicUpdated(grown), .topicUpdated(reconfigured),
            .dynamicBrokerConfigsChanged(Versioned(["default.retention.ms": "2"], version: dynamicVersion)),
        ])
        guard received.count == 5, case .topicDeleted(name: "orders", let version) = received[4] else {
            return XCTFail("\(received)")
        }
        XCTAssertGreaterThan(version, dynamicVersion)
    }

    static func all() -> [(String, (@escaping Open) async throws -> Void)] {
        [
            ("topicsRoundTrip", topicsRoundTrip),
            ("creatingAnExistingTopicFails", creatingAnExistingTopicFails),
            ("staleWritesAreRefused", staleWritesAreRefused),
            ("dynamicBrokerConfigsCompareAndSwap", dynamicBrokerConfigsCompareAndSwap),
            ("clusterIdIsCreatedOnce", clusterIdIsCreatedOnce),
            ("producerIdBlocksFollowEachOther", producerIdBlocksFollowEachOther),
            ("changeStreamReportsEveryWriteInOrder", changeStreamReportsEveryWriteInOrder),
        ]
    }
}

/// The conformance checks against both stores; each check gets fresh storage.
final class EtcdMetadataStoreConformanceTests: XCTestCase {
    func testLocalMetadataStoreConforms() async throws {
        for (name, check) in MetadataStoreConformance.all() {
            let path = NSTemporaryDirectory() + "brook-conformance-\(UUID().uuidString)"
            let directory = try DataDirectory(path: path)
            defer {
                directory.unlock()
                try? FileManager.default.removeItem(atPath: path)
            }
            do {
                try await check { LocalMetadataStore(directory: directory, nodeId: 1) }
            } catch {
                XCTFail("\(name): \(error)")
            }
        }
    }

    func testEtcdMetadataStoreConforms() async throws {
        try await withEtcdStore { fixture in
            for (name, check) in MetadataStoreConformance.all() {
                // A fresh root per check: the checks assume empty storage.
                let scoped = try EtcdStoreFixtureRoot(fixture)
                do {
                    try await check { try await scoped.store() }
                } catch {
                    XCTFail("\(name): \(error)")
                }
                await scoped.close()
            }
        }
    }
}

/// Stores under one fresh root of a shared etcd (so the conformance checks need one etcd, not seven).
final class EtcdStoreFixtureRoot: @unchecked Sendable {
    private let fixture: EtcdStoreFixture
    let layout = EtcdKeyLayout(root: "/brook-conformance-\(UUID().uuidString)/")
    private let lock = NSLock()
    private var stores: [EtcdMetadataStore] = []

    init(_ fixture: EtcdStoreFixture) throws {
        self.fixture = fixture
    }

    func store() async throws -> EtcdMetadataStore {
        let store = try await EtcdMetadataStore.start(client: fixture.client(), layout: layout,
                                                      logger: .init(label: "brook.etcdstore.test"))
        lock.withLock { stores.append(store) }
        return store
    }

    func close() async {
        for store in lock.withLock({ stores }) { store.shutdown() }
    }
}
