@testable import BrookBroker
import BrookCluster
import BrookStorage
import Foundation
import Logging
import NIOCore
import NIOPosix
import XCTest

/// Two registries (nodes 1 and 2, each with its own data directory) share one metadata store, as
/// brokers share etcd, and follow its change stream: what one broker (or the controller, writing the
/// store directly) stores reaches the other.
final class TopicRegistryFollowsStoreTests: XCTestCase {
    /// One broker's registry, following the shared store.
    private final class Node: @unchecked Sendable {
        let registry: TopicRegistry
        let dataDir: String
        let follower: Task<Void, Never>
        /// The changes the registry applied from the stream, in order.
        var applied: AsyncStream<MetadataChange>.Iterator

        init(id: Int32, store: SharedMetadataStore, group: EventLoopGroup, pool: NIOThreadPool) throws {
            dataDir = TestBroker.makeTempDir()
            var config = BrokerConfig()
            config.nodeId = id
            config.dataDir = dataDir
            registry = TopicRegistry(dataDirectory: try DataDirectory(path: dataDir), metadataStore: store, config: config,
                                     group: group, threadPool: pool,
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                     clock: Broker.wallClockMillis)
            let changes = store.changes()
            try registry.loadExisting([], dynamicConfigs: Versioned([:], version: .absent))
            let (stream, continuation) = AsyncStream.makeStream(of: MetadataChange.self)
            // Bounds every wait: a change that is never applied ends the stream instead of hanging.
            let deadline = Task {
                try? await Task.sleep(for: .seconds(20))
                continuation.finish()
            }
            continuation.onTermination = { _ in deadline.cancel() }
            applied = stream.makeAsyncIterator()
            follower = registry.followChanges(changes) { change, error in
                if error == nil { continuation.yield(change) } else { continuation.finish() }
            }
        }

        /// Waits until the registry applied a change matching `matches`; false if it never did.
        func waitUntilApplied(_ matches: (MetadataChange) -> Bool) async -> Bool {
            while let change = await applied.next() {
                if matches(change) { return true }
            }
            return false
        }

        /// The partition folders of the test's topics.
        func folders() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: dataDir)
                .filter { $0.hasPrefix("orders-") || $0.hasPrefix("local-") }.sorted()
        }

        func stop() async throws {
            follower.cancel()
            try await registry.shutdown().get()
            try? FileManager.default.removeItem(atPath: dataDir)
        }
    }

    private var group: MultiThreadedEventLoopGroup!
    private var pool: NIOThreadPool!
    private let store = SharedMetadataStore()

    override func setUp() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    override func tearDown() async throws {
        store.finish()
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
    }

    private func nodes() throws -> (Node, Node) {
        (try Node(id: 1, store: store, group: group, pool: pool), try Node(id: 2, store: store, group: group, pool: pool))
    }

    private static func created(_ name: String) -> (MetadataChange) -> Bool {
        { if case .topicCreated(let record) = $0 { return record.name == name } else { return false } }
    }

    private static func updated(_ name: String) -> (MetadataChange) -> Bool {
        { if case .topicUpdated(let record) = $0 { return record.name == name } else { return false } }
    }

    /// The controller (or any broker) stores a topic with replicas on both nodes: each opens it.
    private func storeSharedTopic(_ a: Node, _ b: Node) async throws -> TopicMetadataRecord {
        let stored = try await store.createTopic(TopicMetadataRecord(
            name: "orders", topicId: .random(), replicaAssignment: [[1, 2], [2, 1]], configs: [:]))
        let appliedOnA = await a.waitUntilApplied(Self.created("orders"))
        let appliedOnB = await b.waitUntilApplied(Self.created("orders"))
        XCTAssertTrue(appliedOnA && appliedOnB)
        return stored
    }

    func testTopicStoredElsewhereOpensOnEveryReplica() async throws {
        let (a, b) = try nodes()
        let stored = try await storeSharedTopic(a, b)
        for node in [a, b] {
            let topic = try XCTUnwrap(node.registry.topic(named: "orders"))
            XCTAssertEqual(topic.id, stored.topicId)
            XCTAssertEqual(topic.partitions.map(\.topicPartition.partition), [0, 1])
            XCTAssertEqual(try node.folders(), ["orders-0", "orders-1"])
        }
        try await a.stop()
        try await b.stop()
    }

    func testTopicWhoseReplicasAreElsewhereIsKnownHereWithNoLogs() async throws {
        let (a, b) = try nodes()
        // Created on node 1: its replicas are [1] only.
        let created = try await a.registry.createTopic(name: "local", partitions: 2, replicationFactor: 1, configs: [:],
                                                       validateOnly: false)
        XCTAssertNotNil(created)
        let appliedOnB = await b.waitUntilApplied(Self.created("local"))
        XCTAssertTrue(appliedOnB)
        let onB = try XCTUnwrap(b.registry.topic(named: "local"), "every broker knows every topic")
        XCTAssertEqual(onB.id, created?.id)
        XCTAssertEqual(onB.partitionCount, 2)
        XCTAssertTrue(onB.partitions.isEmpty)
        XCTAssertNil(onB.partition(0))
        XCTAssertEqual(try b.folders(), [])
        XCTAssertEqual(try a.folders(), ["local-0", "local-1"])
        // Node 2 still knows the name is taken.
        await assertThrowsAsync({
            try await b.registry.createTopic(name: "local", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        }) { XCTAssertEqual(($0 as? TopicCreationError)?.errorCode, .topicAlreadyExists, "\($0)") }
        try await a.stop()
        try await b.stop()
    }

    func testTopicDeletedElsewhereClosesHere() async throws {
        let (a, b) = try nodes()
        _ = try await storeSharedTopic(a, b)
        let onA = try XCTUnwrap(a.registry.topic(named: "orders"))
        try await a.registry.deleteTopic(onA, on: group.next()).get()
        let deletedOnB = await b.waitUntilApplied {
            if case .topicDeleted(name: "orders", _) = $0 { return true } else { return false }
        }
        XCTAssertTrue(deletedOnB)
        XCTAssertNil(b.registry.topic(named: "orders"))
        let folders = try b.folders()
        XCTAssertEqual(folders.count, 2, "\(folders)")
        XCTAssertTrue(folders.allSatisfy { $0.hasPrefix("orders-") && $0.hasSuffix("-delete") }, "\(folders)")
        XCTAssertEqual(b.registry.pendingFolderRemovals.count, 1, "removed after log.segment.delete.delay.ms")
        try await a.stop()
        try await b.stop()
    }

    func testConfigsChangedElsewhereTakeEffectHere() async throws {
        let (a, b) = try nodes()
        _ = try await storeSharedTopic(a, b)
        let onB = try XCTUnwrap(b.registry.topic(named: "orders"))
        XCTAssertNotEqual(b.registry.producePolicy(for: onB).maxBatchBytes, 1000, "resolved and cached before the change")

        try await a.registry.replaceConfigs(try XCTUnwrap(a.registry.topic(named: "orders")),
                                            with: ["max.message.bytes": "1000"], validateOnly: false)
        let updatedOnB = await b.waitUntilApplied(Self.updated("orders"))
        XCTAssertTrue(updatedOnB)
        XCTAssertEqual(onB.configs, ["max.message.bytes": "1000"])
        XCTAssertEqual(b.registry.producePolicy(for: onB).maxBatchBytes, 1000)

        XCTAssertFalse(b.registry.producePolicy(for: onB).logAppendTime)
        try await a.registry.replaceDynamicConfigs(.clusterDefault, with: ["log.message.timestamp.type": "LogAppendTime"],
                                                   validateOnly: false)
        let configsOnB = await b.waitUntilApplied {
            if case .dynamicBrokerConfigsChanged = $0 { return true } else { return false }
        }
        XCTAssertTrue(configsOnB)
        XCTAssertTrue(b.registry.producePolicy(for: onB).logAppendTime)
        try await a.stop()
        try await b.stop()
    }

    func testPartitionsAddedElsewhereOpenHere() async throws {
        let (a, b) = try nodes()
        let stored = try await storeSharedTopic(a, b)
        _ = try await store.addPartitions(named: "orders", assignments: [[2, 1]], expectedVersion: stored.version)
        for node in [a, b] {
            let applied = await node.waitUntilApplied(Self.updated("orders"))
            XCTAssertTrue(applied)
            XCTAssertEqual(node.registry.topic(named: "orders")?.partitions.count, 3)
            XCTAssertEqual(try node.folders(), ["orders-0", "orders-1", "orders-2"])
        }
        // The registries carry the new version into their next write.
        try await b.registry.replaceConfigs(try XCTUnwrap(b.registry.topic(named: "orders")),
                                            with: ["retention.ms": "1000"], validateOnly: false)
        try await a.stop()
        try await b.stop()
    }

    func testApplyingAChangeAgainOrLateChangesNothing() async throws {
        let (a, b) = try nodes()
        let stored = try await storeSharedTopic(a, b)
        let topic = try XCTUnwrap(a.registry.topic(named: "orders"))
        try await a.registry.apply(.topicCreated(stored)).get()
        XCTAssertTrue(a.registry.topic(named: "orders") === topic, "the same change applied twice opens nothing again")

        var older = stored
        older.configs = ["retention.ms": "5"]
        try await a.registry.apply(.topicUpdated(older)).get()
        XCTAssertEqual(topic.configs, [:], "a change at a version already applied is skipped")

        try await a.registry.apply(.topicDeleted(name: "orders", version: MetadataVersion(revision: 1_000))).get()
        XCTAssertNil(a.registry.topic(named: "orders"))
        try await a.registry.apply(.topicCreated(stored)).get()
        XCTAssertNil(a.registry.topic(named: "orders"), "a create stored before the deletion does not bring it back")
        try await a.stop()
        try await b.stop()
    }
}
