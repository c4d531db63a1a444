@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookRecords
import BrookStorage
import Foundation
import Logging
import NIOCore
import NIOPosix
import XCTest

/// A topic placed over two brokers, [[1], [2], [1], [2]]: the same stored changes applied to the
/// registries of node 1 and node 2 (each with its own data directory) open, grow, delete and reopen
/// only the partitions each node has a replica of, while both know the whole topic.
final class SparseTopicRegistryTests: XCTestCase {
    private var group: MultiThreadedEventLoopGroup!
    private var pool: NIOThreadPool!
    private var dataDirs: [Int32: String] = [:]
    private let topicId = KafkaUUID.random()

    override func setUp() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        dataDirs = [1: TestBroker.makeTempDir(), 2: TestBroker.makeTempDir()]
    }

    override func tearDown() async throws {
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
        for dir in dataDirs.values { try? FileManager.default.removeItem(atPath: dir) }
    }

    private var endpoints: [BrokerEndpoint] {
        [BrokerEndpoint(nodeId: 1, host: "127.0.0.1", port: 19091), BrokerEndpoint(nodeId: 2, host: "127.0.0.1", port: 19092)]
    }

    /// Node `id`'s registry as a cluster member (partitions open with no role), on its own data
    /// directory and store, started with `records` as read from the store.
    private func registry(_ id: Int32, store: any MetadataStore = SharedMetadataStore(),
                          records: [TopicMetadataRecord] = []) throws -> TopicRegistry {
        var config = BrokerConfig()
        config.nodeId = id
        config.dataDir = try XCTUnwrap(dataDirs[id])
        let view = ClusterView(brokers: endpoints, controllerId: 1)
        let registry = TopicRegistry(dataDirectory: try DataDirectory(path: config.dataDir), metadataStore: store,
                                     config: config, group: group, threadPool: pool,
                                     logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                     clock: Broker.wallClockMillis, assigner: .cluster { view })
        try registry.loadExisting(records, dynamicConfigs: Versioned([:], version: .absent))
        return registry
    }

    private func record(_ assignment: [[Int32]], revision: Int64) -> TopicMetadataRecord {
        TopicMetadataRecord(name: "orders", topicId: topicId, replicaAssignment: assignment, configs: [:],
                            version: MetadataVersion(revision: revision))
    }

    private static let placed: [[Int32]] = [[1], [2], [1], [2]]

    /// The folders of `orders` partitions in node `id`'s data directory (moved-aside and deleted
    /// ones have a suffix after the index).
    private func folders(_ id: Int32) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: try XCTUnwrap(dataDirs[id]))
            .filter { $0.hasPrefix("orders-") }.sorted()
    }

    private func hosted(_ registry: TopicRegistry) -> [Int32]? {
        registry.topic(named: "orders")?.partitions.map(\.topicPartition.partition)
    }

    func testEachNodeOpensOnlyItsPartitionsAndKnowsTheWholeTopic() async throws {
        let one = try registry(1)
        let two = try registry(2)
        let created = record(Self.placed, revision: 10)
        try await one.apply(.topicCreated(created)).get()
        try await two.apply(.topicCreated(created)).get()

        XCTAssertEqual(hosted(one), [0, 2])
        XCTAssertEqual(hosted(two), [1, 3])
        XCTAssertEqual(try folders(1), ["orders-0", "orders-2"])
        XCTAssertEqual(try folders(2), ["orders-1", "orders-3"])
        for registry in [one, two] {
            let topic = try XCTUnwrap(registry.topic(named: "orders"))
            XCTAssertEqual(topic.id, topicId)
            XCTAssertEqual(topic.partitionCount, 4)
            XCTAssertTrue((0..<4).allSatisfy(topic.hasPartition))
            XCTAssertFalse(topic.hasPartition(4))
            XCTAssertFalse(topic.hasPartition(-1))
        }
        let onOne = try XCTUnwrap(one.topic(named: "orders"))
        XCTAssertEqual(onOne.partition(2)?.topicPartition, TopicPartition(topic: "orders", partition: 2))
        XCTAssertNil(onOne.partition(1))
        XCTAssertEqual(Topic.absentPartitionError(onOne, 1), .notLeaderOrFollower)
        XCTAssertEqual(Topic.absentPartitionError(onOne, 4), .unknownTopicOrPartition)
        XCTAssertEqual(Topic.absentPartitionError(nil, 0), .unknownTopicOrPartition)
        XCTAssertEqual(one.allPartitions.map(\.topicPartition.partition), [0, 2])

        try await one.shutdown().get()
        try await two.shutdown().get()
    }

    func testAddedPartitionsOpenOnlyWhereHosted() async throws {
        let one = try registry(1)
        let two = try registry(2)
        let created = record(Self.placed, revision: 10)
        let grown = record(Self.placed + [[2], [1]], revision: 11)
        for registry in [one, two] {
            try await registry.apply(.topicCreated(created)).get()
            try await registry.apply(.topicUpdated(grown)).get()
            XCTAssertEqual(registry.topic(named: "orders")?.partitionCount, 6)
        }
        XCTAssertEqual(hosted(one), [0, 2, 5])
        XCTAssertEqual(hosted(two), [1, 3, 4])
        XCTAssertEqual(try folders(1), ["orders-0", "orders-2", "orders-5"])
        XCTAssertEqual(try folders(2), ["orders-1", "orders-3", "orders-4"])

        // Partitions added on the other node only: the count grows, nothing opens here.
        try await one.apply(.topicUpdated(record(Self.placed + [[2], [1], [2]], revision: 12))).get()
        XCTAssertEqual(one.topic(named: "orders")?.partitionCount, 7)
        XCTAssertEqual(hosted(one), [0, 2, 5])
        XCTAssertEqual(try folders(1), ["orders-0", "orders-2", "orders-5"])

        try await one.shutdown().get()
        try await two.shutdown().get()
    }

    func testDeletionClosesAndRemovesOnlyHostedFolders() async throws {
        let one = try registry(1)
        let two = try registry(2)
        for registry in [one, two] {
            try await registry.apply(.topicCreated(record(Self.placed, revision: 10))).get()
            try await registry.apply(.topicDeleted(name: "orders", version: MetadataVersion(revision: 11))).get()
            XCTAssertNil(registry.topic(named: "orders"))
        }
        for (id, mine) in [(Int32(1), ["orders-0.", "orders-2."]), (2, ["orders-1.", "orders-3."])] {
            let left = try folders(id)
            XCTAssertEqual(left.count, 2, "\(left)")
            for (folder, prefix) in zip(left, mine) {
                XCTAssertTrue(folder.hasPrefix(prefix) && folder.hasSuffix("-delete"), "\(left)")
            }
        }
        XCTAssertEqual(one.pendingFolderRemovals.first?.folders.count, 2)

        // A topic with no partition here is deleted all the same.
        let elsewhere = record([[2], [2]], revision: 20)
        try await one.apply(.topicCreated(elsewhere)).get()
        XCTAssertEqual(one.topic(named: "orders")?.partitionCount, 2)
        try await one.apply(.topicDeleted(name: "orders", version: MetadataVersion(revision: 21))).get()
        XCTAssertNil(one.topic(named: "orders"))
        XCTAssertEqual(try folders(1).count, 2, "no folder of the second topic was made or renamed")

        try await one.shutdown().get()
        try await two.shutdown().get()
    }

    func testRestartReopensOnlyHostedPartitionsAndMovesOthersAside() async throws {
        let created = record(Self.placed, revision: 10)
        let first = try registry(1)
        try await first.apply(.topicCreated(created)).get()
        try await first.shutdown().get()
        // A folder of a partition placed on node 2 (say, a replica moved away while node 1 was down).
        let dir = try XCTUnwrap(dataDirs[1])
        try FileManager.default.createDirectory(atPath: dir + "/orders-1", withIntermediateDirectories: false)

        let restarted = try registry(1, records: [created])
        let topic = try XCTUnwrap(restarted.topic(named: "orders"))
        XCTAssertEqual(topic.partitionCount, 4)
        XCTAssertEqual(hosted(restarted), [0, 2])
        let after = try folders(1)
        XCTAssertTrue(after.contains("orders-0") && after.contains("orders-2"), "\(after)")
        XCTAssertFalse(after.contains("orders-1"), "moved aside, not opened: \(after)")
        XCTAssertFalse(after.contains("orders-3"), "never created here: \(after)")
        XCTAssertEqual(after.filter { $0.hasPrefix("orders-1.") }.count, 1, "\(after)")
        try await restarted.shutdown().get()

        // A topic with no partition here is known after a restart too.
        let elsewhere = try registry(2, records: [record([[1], [1]], revision: 30)])
        XCTAssertEqual(elsewhere.topic(named: "orders")?.partitionCount, 2)
        XCTAssertEqual(hosted(elsewhere), [])
        XCTAssertEqual(try folders(2), [])
        try await elsewhere.shutdown().get()
    }

    func testCreateOnAClusterOpensOnlyThePartitionsPlacedHere() async throws {
        let store = SharedMetadataStore()
        let one = try registry(1, store: store)
        let topic = try await one.createTopic(name: "orders", partitions: 4, replicationFactor: 1, configs: [:],
                                              validateOnly: false)
        let storedTopics = try await store.loadTopics()
        let stored = try XCTUnwrap(storedTopics.first)
        let mine = TopicPlacement.hostedPartitions(of: stored, on: 1)
        XCTAssertEqual(mine.count, 2, "four partitions spread over two brokers: \(stored.replicaAssignment)")
        XCTAssertEqual(topic?.partitionCount, 4)
        XCTAssertEqual(hosted(one), mine)
        XCTAssertEqual(try folders(1), mine.map { "orders-\($0)" })

        // CreatePartitions: two more; only those placed on this node open here.
        try await one.addPartitions(try XCTUnwrap(topic), count: 6, validateOnly: false)
        let grownTopics = try await store.loadTopics()
        let grown = try XCTUnwrap(grownTopics.first)
        XCTAssertEqual(grown.partitionCount, 6)
        let mineAfter = TopicPlacement.hostedPartitions(of: grown, on: 1)
        XCTAssertEqual(topic?.partitionCount, 6)
        XCTAssertEqual(hosted(one), mineAfter)
        XCTAssertEqual(try folders(1), mineAfter.map { "orders-\($0)" })
        XCTAssertTrue(one.preopened.withLockedValue { $0.isEmpty }, "no claim left behind")

        try await one.shutdown().get()
    }

    /// A create here (e.g. Metadata auto-creating a topic) loses the store to another broker's create
    /// of the same name, whose change is applied here while this create still waits for the store:
    /// the winner's logs stay open and its folders stay on disk.
    func testALosingCreateLeavesTheWinnersLogsAlone() async throws {
        let store = GatedCreateStore()
        let one = try registry(1, store: store)
        var started = store.started.makeAsyncIterator()
        let losing = Task {
            try await one.createTopic(name: "orders", partitions: 4, replicationFactor: 1, configs: [:], validateOnly: false)
        }
        _ = await started.next()
        // Broker 2's create of the same name won the store meanwhile; its change reaches node 1 now.
        let winner = try await store.inner.createTopic(record(Self.placed, revision: 0))
        try await one.apply(.topicCreated(winner)).get()
        store.open()
        do {
            _ = try await losing.value
            XCTFail("the second create of a name must fail")
        } catch TopicCreationError.alreadyExists {
        }
        XCTAssertEqual(one.topic(named: "orders")?.id, winner.topicId)
        XCTAssertEqual(hosted(one), [0, 2])
        XCTAssertEqual(try folders(1), ["orders-0", "orders-2"], "the losing create removed none of the winner's folders")
        XCTAssertTrue(one.preopened.withLockedValue { $0.isEmpty }, "no claim left behind")
        try await one.shutdown().get()
    }

    func testAReassignmentOpensNewlyAssignedReplicasAndDeletesThoseMovedAway() async throws {
        let one = try registry(1)
        try await one.apply(.topicCreated(record(Self.placed, revision: 10))).get()
        XCTAssertEqual(hosted(one), [0, 2])
        // Partition 0 moves to node 2; partition 1 gains a replica on node 1 (a reassignment in flight).
        let moved = record([[2], [2, 1], [1], [2]], revision: 11)
        try await one.apply(.topicUpdated(moved)).get()
        XCTAssertEqual(hosted(one), [1, 2])
        XCTAssertEqual(one.topic(named: "orders")?.partitionCount, 4)
        let left = try folders(1)
        XCTAssertEqual(left.filter { !$0.hasSuffix("-delete") }, ["orders-1", "orders-2"])
        XCTAssertEqual(left.filter { $0.hasPrefix("orders-0") && $0.hasSuffix("-delete") }.count, 1,
                       "the replica moved away is renamed for deletion: \(left)")
        try await one.apply(.topicUpdated(moved)).get()
        XCTAssertEqual(hosted(one), [1, 2], "the same change again changes nothing")
        try await one.shutdown().get()
    }

    /// A replicated partition's high watermark is checkpointed (Kafka's `replication-offset-checkpoint`)
    /// and taken again at start-up, not reset to 0 until the followers fetch.
    func testRestartKeepsTheCheckpointedHighWatermark() async throws {
        let created = record(Self.placed, revision: 10)
        let first = try registry(1)
        try await first.apply(.topicCreated(created)).get()
        let partition = try XCTUnwrap(first.topic(named: "orders")?.partition(0))
        var builder = RecordBatchBuilder(codec: .none)
        for value in ["a", "b", "c"] { builder.append(key: nil, value: ByteBuffer(string: value), headers: [], timestamp: 1) }
        // Copied from the leader (offsets 0-2), which has committed the first two.
        let end = try await partition.appendAsFollower(records: try builder.build(), leaderHighWatermark: 2).get()
        XCTAssertEqual(end, 3)
        try await first.shutdown().get()

        let restarted = try registry(1, records: [created])
        let reopened = try XCTUnwrap(restarted.topic(named: "orders")?.partition(0))
        let watermark = try await reopened.eventLoop.submit { reopened.log.highWatermark }.get()
        XCTAssertEqual(watermark, 2)
        try await restarted.shutdown().get()
    }
}
