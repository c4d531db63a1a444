@testable import BrookBroker
import BrookCluster
import Foundation
import Logging
import NIOCore
import NIOPosix
import XCTest

/// `brook topic create orders -p 4` on a two-broker cluster with replication factor 1: two
/// `Broker.clustered` share one metadata store (as they share etcd) and follow it. The topic is
/// spread over both, each opens its share, both list all four partitions; CreatePartitions and
/// DeleteTopics from the other broker reach both the same way.
final class SparseTopicClusterTests: XCTestCase {
    /// One cluster broker and the stream of "a store change was applied" it reports.
    private struct Member {
        let broker: Broker
        let dataDir: String
        let follower: Task<Void, Never>
        let applied: AsyncStream<Void>

        /// Waits (bounded by the stream's deadline) until `condition` holds after an applied change.
        func waitUntil(_ condition: () -> Bool) async -> Bool {
            if condition() { return true }
            for await _ in applied where condition() { return true }
            return condition()
        }

        var hosted: [Int32] { broker.topics.topic(named: "orders")?.partitions.map(\.topicPartition.partition) ?? [] }

        func folders() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: dataDir).filter { $0.hasPrefix("orders-") }.sorted()
        }
    }

    private var group: MultiThreadedEventLoopGroup!
    private var pool: NIOThreadPool!
    private let store = SharedMetadataStore()
    private var dataDirs: [String] = []

    override func setUp() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    override func tearDown() async throws {
        store.finish()
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
        for dir in dataDirs { try? FileManager.default.removeItem(atPath: dir) }
    }

    private let view = ClusterView(brokers: [BrokerEndpoint(nodeId: 1, host: "127.0.0.1", port: 19091),
                                             BrokerEndpoint(nodeId: 2, host: "127.0.0.1", port: 19092)],
                                   controllerId: 1)

    private func member(_ id: Int32) async throws -> Member {
        var config = BrokerConfig()
        config.nodeId = id
        config.dataDir = TestBroker.makeTempDir()
        dataDirs.append(config.dataDir)
        let broker = try await Broker.clustered(config: config, metadataStore: store, group: group, threadPool: pool,
                                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        broker.replaceClusterView(view)
        let (applied, continuation) = AsyncStream.makeStream(of: Void.self)
        // Bounds every wait: a change that never arrives ends the stream instead of hanging.
        let deadline = Task {
            try? await Task.sleep(for: .seconds(20))
            continuation.finish()
        }
        continuation.onTermination = { _ in deadline.cancel() }
        let follower = try XCTUnwrap(broker.followMetadata { continuation.yield() })
        return Member(broker: broker, dataDir: config.dataDir, follower: follower, applied: applied)
    }

    private func stop(_ members: [Member]) async throws {
        for member in members {
            member.follower.cancel()
            try await member.broker.shutdown().get()
        }
    }

    func testATopicSpreadOverTwoBrokersIsServedByBoth() async throws {
        let one = try await member(1)
        let two = try await member(2)
        var failure: Error?
        do {
            let created = try await one.broker.topics.createTopic(name: "orders", partitions: 4, replicationFactor: 1,
                                                                  configs: [:], validateOnly: false)
            XCTAssertEqual(created?.partitionCount, 4, "known on the broker that created it, whatever it hosts")
            let appliedOnTwo = await two.waitUntil { two.broker.topics.topic(named: "orders") != nil }
            XCTAssertTrue(appliedOnTwo)
            let stored = try await store.loadTopics()
            let record = try XCTUnwrap(stored.first)
            XCTAssertEqual(one.hosted, TopicPlacement.hostedPartitions(of: record, on: 1))
            XCTAssertEqual(two.hosted, TopicPlacement.hostedPartitions(of: record, on: 2))
            XCTAssertEqual(one.hosted.count, 2, "\(record.replicaAssignment)")
            XCTAssertEqual((one.hosted + two.hosted).sorted(), [0, 1, 2, 3])
            XCTAssertEqual(try one.folders(), one.hosted.map { "orders-\($0)" })
            XCTAssertEqual(try two.folders(), two.hosted.map { "orders-\($0)" })
            for member in [one, two] {
                let topic = try XCTUnwrap(member.broker.topics.topic(named: "orders"))
                XCTAssertEqual(topic.id, record.topicId)
                let listed = MetadataHandler.describe(topic, view: member.broker.clusterView)
                XCTAssertEqual(listed.partitions.map(\.partitionIndex), [0, 1, 2, 3])
            }

            // CreatePartitions from the other broker: each opens the new partitions placed on it.
            let onTwo = try XCTUnwrap(two.broker.topics.topic(named: "orders"))
            try await two.broker.topics.addPartitions(onTwo, count: 6, validateOnly: false)
            let grownOnOne = await one.waitUntil { one.broker.topics.topic(named: "orders")?.partitionCount == 6 }
            XCTAssertTrue(grownOnOne)
            let grown = try await store.loadTopics()
            let grownRecord = try XCTUnwrap(grown.first)
            XCTAssertEqual(one.hosted, TopicPlacement.hostedPartitions(of: grownRecord, on: 1))
            XCTAssertEqual(two.hosted, TopicPlacement.hostedPartitions(of: grownRecord, on: 2))
            XCTAssertEqual((one.hosted + two.hosted).sorted(), [0, 1, 2, 3, 4, 5])

            // DeleteTopics from the broker that did not create it: both close and rename only their folders.
            try await two.broker.topics.deleteTopic(onTwo, on: group.next()).get()
            let deletedOnOne = await one.waitUntil { one.broker.topics.topic(named: "orders") == nil }
            XCTAssertTrue(deletedOnOne)
            for member in [one, two] {
                let left = try member.folders()
                XCTAssertEqual(left.count, 3, "\(left)")
                XCTAssertTrue(left.allSatisfy { $0.hasSuffix("-delete") }, "\(left)")
            }
        } catch {
            failure = error
        }
        try await stop([one, two])
        if let failure { throw failure }
    }
}
