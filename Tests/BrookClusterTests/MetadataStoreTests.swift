@testable import BrookCluster
import BrookProtocol
import BrookStorage
import BrookTestSupport
import Foundation
import XCTest

/// `LocalMetadataStore`: every record survives a reopen, writes are compare-and-swap, and each write
/// is reported on the change stream.
final class MetadataStoreTests: XCTestCase {
    private var path = ""
    private var directory: DataDirectory?

    override func setUpWithError() throws {
        path = NSTemporaryDirectory() + "brook-metadata-\(UUID().uuidString)"
        directory = try DataDirectory(path: path)
    }

    override func tearDown() {
        directory?.unlock()
        try? FileManager.default.removeItem(atPath: path)
    }

    private func store(nodeId: Int32 = 1) -> LocalMetadataStore {
        LocalMetadataStore(directory: directory!, nodeId: nodeId)
    }

    /// A second store on the same directory reads only what the first one wrote to disk.
    private func reopened(nodeId: Int32 = 1) -> LocalMetadataStore { store(nodeId: nodeId) }

    private func record(_ name: String, partitions: Int, configs: [String: String] = [:]) -> TopicMetadataRecord {
        TopicMetadataRecord(name: name, topicId: KafkaUUID.random(),
                            replicaAssignment: Array(repeating: [1], count: partitions), configs: configs)
    }

    private func withoutVersions(_ records: [TopicMetadataRecord]) -> [TopicMetadataRecord] {
        records.map {
            var r = $0
            r.version = .absent
            return r
        }
    }

    func testTopicRecordsRoundTripThroughTheFiles() throws {
        let first = store()
        let orders = record("orders", partitions: 3, configs: ["retention.ms": "1000", "odd=key": "a\nb\\c"])
        let audit = record("audit.log", partitions: 1)
        let storedOrders = try first.createTopic(orders)
        XCTAssertNotEqual(storedOrders.version, .absent)
        _ = try first.createTopic(audit)
        XCTAssertEqual(withoutVersions(try reopened().loadTopics()), [audit, orders])

        let grown = try first.addPartitions(named: "orders", assignments: [[1], [1]], expectedVersion: storedOrders.version)
        XCTAssertEqual(grown.partitionCount, 5)
        XCTAssertGreaterThan(grown.version, storedOrders.version)
        let reconfigured = try first.replaceTopicConfigs(named: "orders", with: ["cleanup.policy": "compact"],
                                                         expectedVersion: grown.version)
        var expected = orders
        expected.replicaAssignment = Array(repeating: [1], count: 5)
        expected.configs = ["cleanup.policy": "compact"]
        XCTAssertEqual(withoutVersions([reconfigured]), [expected])
        XCTAssertEqual(withoutVersions(try reopened().loadTopics()), [audit, expected])

        try first.deleteTopic(named: "audit.log", expectedVersion: try first.loadTopics()[0].version)
        XCTAssertEqual(try reopened().loadTopics().map(\.name), ["orders"])
    }

    func testTheFileHoldsExactlyTheKeysEarlierVersionsWrote() throws {
        let orders = record("orders", partitions: 2, configs: ["retention.ms": "1000"])
        _ = try store().createTopic(orders)
        let text = try String(contentsOfFile: path + "/__brook_topics/orders.properties", encoding: .utf8)
        XCTAssertEqual(text, "config.retention.ms=1000\npartitions=2\ntopic.id=\(orders.topicId)\n")
    }

    func testCreatingAnExistingTopicFailsWithExistsAndChangesNothing() throws {
        let first = store()
        let original = try first.createTopic(record("orders", partitions: 2))
        XCTAssertThrowsError(try first.createTopic(record("orders", partitions: 7))) { error in
            XCTAssertEqual(error as? MetadataStoreError, .topicExists("orders"))
        }
        // A store that has not loaded yet finds the name on disk too.
        XCTAssertThrowsError(try reopened().createTopic(record("orders", partitions: 7))) { error in
            XCTAssertEqual(error as? MetadataStoreError, .topicExists("orders"))
        }
        XCTAssertEqual(try reopened().loadTopics().map(\.topicId), [original.topicId])
    }

    func testWritesBasedOnAStaleVersionAreRefused() throws {
        let store = store()
        let created = try store.createTopic(record("orders", partitions: 1))
        let updated = try store.replaceTopicConfigs(named: "orders", with: ["retention.ms": "5"], expectedVersion: created.version)
        for write in [
            { _ = try store.replaceTopicConfigs(named: "orders", with: [:], expectedVersion: created.version) },
            { _ = try store.addPartitions(named: "orders", assignments: [[1]], expectedVersion: created.version) },
            { try store.deleteTopic(named: "orders", expectedVersion: created.version) },
        ] {
            XCTAssertThrowsError(try write()) { error in
                XCTAssertEqual(error as? MetadataStoreError,
                               .versionConflict(key: "orders", expected: created.version, actual: updated.version))
            }
        }
        XCTAssertThrowsError(try store.deleteTopic(named: "missing", expectedVersion: .absent)) { error in
            XCTAssertEqual(error as? MetadataStoreError, .topicNotFound("missing"))
        }
        XCTAssertEqual(try reopened().loadTopics().map(\.configs), [["retention.ms": "5"]])
        XCTAssertEqual(try reopened().loadTopics().map(\.partitionCount), [1])
    }

    func testDynamicBrokerConfigsRoundTripWithCompareAndSwap() throws {
        let store = store()
        let initial = try store.dynamicBrokerConfigs()
        XCTAssertEqual(initial, Versioned([:], version: .absent))
        let values = ["broker.log.retention.ms": "100", "default.compression.type": "zstd"]
        let version = try store.replaceDynamicBrokerConfigs(values, expectedVersion: .absent)
        XCTAssertThrowsError(try store.replaceDynamicBrokerConfigs([:], expectedVersion: .absent)) { error in
            XCTAssertEqual(error as? MetadataStoreError,
                           .versionConflict(key: "dynamic broker configs", expected: .absent, actual: version))
        }
        XCTAssertEqual(try reopened().dynamicBrokerConfigs().value, values)
        XCTAssertEqual(try String(contentsOfFile: path + "/brook-dynamic-broker.properties", encoding: .utf8),
                       "broker.log.retention.ms=100\ndefault.compression.type=zstd\n")
    }

    func testClusterIdIsCreatedOnceAndKeptForTheSameNode() throws {
        XCTAssertEqual(try store(nodeId: 3).clusterId(proposing: "first-id"), "first-id")
        XCTAssertEqual(try reopened(nodeId: 3).clusterId(proposing: "second-id"), "first-id")
        XCTAssertEqual(try String(contentsOfFile: path + "/meta.properties", encoding: .utf8),
                       "#\n#Written by brook\nversion=1\ncluster.id=first-id\nnode.id=3\n")
        XCTAssertThrowsError(try reopened(nodeId: 4).clusterId(proposing: "other")) { error in
            guard case .identityMismatch(let message)? = error as? MetadataStoreError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue(message.contains("node.id 4 does not match node.id 3"), message)
        }
    }

    func testProducerIdBlocksNeverOverlapAcrossReopens() throws {
        let first = store()
        XCTAssertEqual(try first.allocateProducerIdBlock(size: 1000), ProducerIdBlock(firstId: 0, count: 1000))
        XCTAssertEqual(try first.allocateProducerIdBlock(size: 10), ProducerIdBlock(firstId: 1000, count: 10))
        XCTAssertEqual(try reopened().allocateProducerIdBlock(size: 1000), ProducerIdBlock(firstId: 1010, count: 1000))
        XCTAssertEqual(try ProducerIdBlockFile(dataDir: path).read(), 2010)
    }

    func testProducerIdsRunOutWithATypedError() throws {
        try ProducerIdBlockFile(dataDir: path).write(Int64.max - 5)
        XCTAssertThrowsError(try store().allocateProducerIdBlock(size: 10)) { error in
            XCTAssertEqual(error as? MetadataStoreError, .producerIdsExhausted)
        }
    }

    /// A data directory laid out by hand as earlier versions left it.
    func testADataDirectoryInTheOldLayoutOpensUnchanged() throws {
        let id = KafkaUUID.random()
        try FileManager.default.createDirectory(atPath: path + "/__brook_topics", withIntermediateDirectories: true)
        try "config.retention.ms=1000\npartitions=2\ntopic.id=\(id)\n"
            .write(toFile: path + "/__brook_topics/orders.properties", atomically: true, encoding: .utf8)
        // Written before ids and partition counts were recorded: the folders say how many partitions.
        try "config.cleanup.policy=compact\n"
            .write(toFile: path + "/__brook_topics/legacy.properties", atomically: true, encoding: .utf8)
        for folder in ["legacy-0", "legacy-2", "orders-0"] {
            try FileManager.default.createDirectory(atPath: path + "/" + folder, withIntermediateDirectories: true)
        }
        try "broker.log.retention.ms=100\n".write(toFile: path + "/brook-dynamic-broker.properties", atomically: true, encoding: .utf8)
        try "#\n#Written by brook\nversion=1\ncluster.id=abcdefghijklmnopqrstuv\nnode.id=1\n"
            .write(toFile: path + "/meta.properties", atomically: true, encoding: .utf8)
        try "0\n3000\n".write(toFile: path + "/producer-id-block", atomically: true, encoding: .utf8)

        let store = store()
        let topics = try store.loadTopics()
        XCTAssertEqual(topics.map(\.name), ["legacy", "orders"])
        XCTAssertEqual(topics[0].partitionCount, 3)
        XCTAssertEqual(topics[0].configs, ["cleanup.policy": "compact"])
        XCTAssertEqual(topics[1].topicId, id)
        XCTAssertEqual(topics[1].replicaAssignment, [[1], [1]])
        XCTAssertEqual(topics[1].configs, ["retention.ms": "1000"])
        XCTAssertEqual(try store.dynamicBrokerConfigs().value, ["broker.log.retention.ms": "100"])
        XCTAssertEqual(try store.clusterId(proposing: "new"), "abcdefghijklmnopqrstuv")
        XCTAssertEqual(try store.allocateProducerIdBlock(size: 1000).firstId, 3000)

        // The legacy file is completed in place, with the id it was given; the current one is untouched.
        XCTAssertEqual(try String(contentsOfFile: path + "/__brook_topics/legacy.properties", encoding: .utf8),
                       "config.cleanup.policy=compact\npartitions=3\ntopic.id=\(topics[0].topicId)\n")
        XCTAssertEqual(try reopened().loadTopics().map(\.topicId), topics.map(\.topicId))
        XCTAssertEqual(try String(contentsOfFile: path + "/__brook_topics/orders.properties", encoding: .utf8),
                       "config.retention.ms=1000\npartitions=2\ntopic.id=\(id)\n")
    }

    func testTheChangeStreamReportsEveryWriteInOrder() async throws {
        let store = store()
        let changes = store.changes()
        let created = try store.createTopic(record("orders", partitions: 1))
        let grown = try store.addPartitions(named: "orders", assignments: [[1]], expectedVersion: created.version)
        let reconfigured = try store.replaceTopicConfigs(named: "orders", with: ["retention.ms": "1"], expectedVersion: grown.version)
        let dynamicVersion = try store.replaceDynamicBrokerConfigs(["default.retention.ms": "2"], expectedVersion: .absent)
        try store.deleteTopic(named: "orders", expectedVersion: reconfigured.version)
        // A failed write is not a change.
        XCTAssertThrowsError(try store.deleteTopic(named: "orders", expectedVersion: reconfigured.version))

        let received = await prefix(5, of: changes)
        XCTAssertEqual(received.count, 5)
        XCTAssertEqual(Array(received.prefix(4)), [
            .topicCreated(created), .topicUpdated(grown), .topicUpdated(reconfigured),
            .dynamicBrokerConfigsChanged(Versioned(["default.retention.ms": "2"], version: dynamicVersion)),
        ])
        guard case .topicDeleted(name: "orders", let version) = received[4] else { return XCTFail("\(received[4])") }
        XCTAssertGreaterThan(version, dynamicVersion)
    }

    func testTheStoreServesTheAsyncProtocol() async throws {
        let store: any MetadataStore = store()
        let created = try await store.createTopic(record("orders", partitions: 2))
        let loaded = try await store.loadTopics()
        XCTAssertEqual(loaded, [created])
    }
}
