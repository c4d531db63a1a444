@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookTestSupport
import Foundation
import XCTest

/// The broker keeps its metadata through `MetadataStore`: a data directory written by earlier
/// versions opens unchanged, and every topic and runtime-config change reaches the store.
final class MetadataStoreBrokerTests: XCTestCase {
    func testADataDirectoryLaidOutByEarlierVersionsOpensUnchanged() async throws {
        let dataDir = TestBroker.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let ordersId = KafkaUUID.random()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dataDir + "/__brook_topics", withIntermediateDirectories: true)
        try "config.retention.ms=1000\npartitions=2\ntopic.id=\(ordersId)\n"
            .write(toFile: dataDir + "/__brook_topics/orders.properties", atomically: true, encoding: .utf8)
        // Metadata from before counts were recorded owns every folder of its topic.
        try "config.cleanup.policy=compact\n"
            .write(toFile: dataDir + "/__brook_topics/legacy.properties", atomically: true, encoding: .utf8)
        for folder in ["orders-0", "legacy-0", "legacy-1", "orphan-0"] {
            try fm.createDirectory(atPath: dataDir + "/" + folder, withIntermediateDirectories: true)
        }
        try "default.log.cleaner.backoff.ms=1234\n"
            .write(toFile: dataDir + "/brook-dynamic-broker.properties", atomically: true, encoding: .utf8)
        try "#\n#Written by brook\nversion=1\ncluster.id=AAAAAAAAAAAAAAAAAAAAAA\nnode.id=0\n"
            .write(toFile: dataDir + "/meta.properties", atomically: true, encoding: .utf8)
        try "0\n3000\n".write(toFile: dataDir + "/producer-id-block", atomically: true, encoding: .utf8)

        let broker = try await TestBroker(dataDir: dataDir)
        do {
            let topics = broker.broker.topics
            XCTAssertEqual(broker.broker.identity.clusterId, "AAAAAAAAAAAAAAAAAAAAAA")
            XCTAssertEqual(topics.topic(named: "orders")?.id, ordersId)
            XCTAssertEqual(topics.topic(named: "orders")?.partitions.count, 2)
            XCTAssertEqual(topics.topic(named: "orders")?.configs, ["retention.ms": "1000"])
            XCTAssertEqual(topics.topic(named: "legacy")?.partitions.count, 2)
            XCTAssertEqual(topics.topic(named: "legacy")?.configs, ["cleanup.policy": "compact"])
            XCTAssertNil(topics.topic(named: "orphan"))
            XCTAssertFalse(fm.fileExists(atPath: dataDir + "/orphan-0"), "a folder no metadata owns is moved aside")
            XCTAssertEqual(topics.dynamicConfigs.values(.clusterDefault), ["log.cleaner.backoff.ms": "1234"])
            let producerId = try await broker.broker.producerIds.next()
            XCTAssertEqual(producerId, 3000)

            let client = try RawKafkaClient(port: broker.port)
            let metadata = try client.request(MetadataRequest(topics: nil), version: 12, as: MetadataResponse.self)
            XCTAssertEqual(metadata.clusterId, "AAAAAAAAAAAAAAAAAAAAAA")
            XCTAssertEqual(metadata.topics.map(\.name), ["legacy", "orders"])
            XCTAssertEqual(metadata.topics.last?.topicId, ordersId)
        } catch {
            try? await broker.stop()
            throw error
        }
        try await broker.stop()
        // The legacy file now records its count and the id it was given; the current file is as it was.
        let legacy = try String(contentsOfFile: dataDir + "/__brook_topics/legacy.properties", encoding: .utf8)
        XCTAssertTrue(legacy.hasPrefix("config.cleanup.policy=compact\npartitions=2\ntopic.id="), legacy)
        XCTAssertEqual(try String(contentsOfFile: dataDir + "/__brook_topics/orders.properties", encoding: .utf8),
                       "config.retention.ms=1000\npartitions=2\ntopic.id=\(ordersId)\n")
        XCTAssertEqual(try String(contentsOfFile: dataDir + "/producer-id-block", encoding: .utf8), "0\n4000\n")
    }

    func testTopicAndRuntimeConfigChangesReachTheStore() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            // The internal topics are created in the background: their records come first.
            try await broker.broker.groups.loadedFuture.get()
            try await broker.broker.transactions.loadedFuture.get()
            let changes = broker.broker.metadataStore.changes()
            let topics = broker.broker.topics
            let topic = try await unwrapped(topics.createTopic(name: "orders", partitions: 1, replicationFactor: 1,
                                                              configs: [:], validateOnly: false))
            try await topics.addPartitions(topic, count: 3, validateOnly: false)
            try await topics.replaceConfigs(topic, with: ["retention.ms": "60000"], validateOnly: false)
            try await topics.replaceDynamicConfigs(.clusterDefault, with: ["log.cleaner.backoff.ms": "100"], validateOnly: false)
            try await topics.deleteTopic(topic, on: broker.group.next()).get()

            checkChanges(await prefix(5, of: changes), topic: topic, nodeId: broker.broker.identity.nodeId)

            // A second round works: the registry carries each record's new version into the next write.
            let again = try await unwrapped(topics.createTopic(name: "orders", partitions: 1, replicationFactor: 1,
                                                              configs: [:], validateOnly: false))
            try await topics.replaceConfigs(again, with: [:], validateOnly: false)
            try await topics.replaceDynamicConfigs(.clusterDefault, with: [:], validateOnly: false)
            let stored = try await broker.broker.metadataStore.loadTopics()
            XCTAssertEqual(stored.map(\.name),
                           ["__consumer_offsets", "__transaction_state", "orders"])
        } catch {
            try? await broker.stop()
            throw error
        }
        try await broker.stop()
    }

    private func checkChanges(_ received: [MetadataChange], topic: Topic, nodeId: Int32) {
        guard received.count == 5 else { return XCTFail("\(received)") }
        guard case .topicCreated(let created) = received[0] else { return XCTFail("\(received[0])") }
        XCTAssertEqual(created.name, "orders")
        XCTAssertEqual(created.topicId, topic.id)
        XCTAssertEqual(created.replicaAssignment, [[nodeId]])
        guard case .topicUpdated(let grown) = received[1] else { return XCTFail("\(received[1])") }
        XCTAssertEqual(grown.partitionCount, 3)
        guard case .topicUpdated(let reconfigured) = received[2] else { return XCTFail("\(received[2])") }
        XCTAssertEqual(reconfigured.configs, ["retention.ms": "60000"])
        guard case .dynamicBrokerConfigsChanged(let dynamic) = received[3] else { return XCTFail("\(received[3])") }
        XCTAssertEqual(dynamic.value, ["default.log.cleaner.backoff.ms": "100"])
        guard case .topicDeleted(name: "orders", _) = received[4] else { return XCTFail("\(received[4])") }
    }
}
