@testable import BrookBroker
import BrookCluster
import BrookProtocol
import Foundation
import XCTest

/// The routing answers (Metadata, DescribeTopicPartitions, DescribeCluster, FindCoordinator) come
/// from the broker's `ClusterView`: a hand-built three-broker view is reported as is, and a
/// coordinator is the leader of its key's internal-topic partition.
final class ClusterViewRoutingTests: XCTestCase {
    private static let internalPartitions: Int32 = 3

    private let endpoints = [
        BrokerEndpoint(nodeId: 1, host: "b1.test", port: 19091, rack: "rack-a"),
        BrokerEndpoint(nodeId: 2, host: "b2.test", port: 19092, rack: "rack-b"),
        BrokerEndpoint(nodeId: 3, host: "b3.test", port: 19093, rack: nil),
    ]

    private let orders = [
        PartitionRouting(leader: 1, leaderEpoch: 3, replicas: [1, 2, 3], isr: [1, 2], offlineReplicas: []),
        PartitionRouting(leader: 2, leaderEpoch: 5, replicas: [2, 3, 1], isr: [2, 3, 1], offlineReplicas: []),
        PartitionRouting(leader: 3, leaderEpoch: 0, replicas: [3, 1, 2], isr: [3], offlineReplicas: [2]),
    ]

    /// Internal partition p is led by broker (p + shift) % 3 + 1.
    private func internalRouting(shift: Int32) -> [PartitionRouting] {
        (0..<Self.internalPartitions).map { p in
            let leader = (p + shift) % 3 + 1
            return PartitionRouting(leader: leader, leaderEpoch: 1, replicas: [leader], isr: [leader])
        }
    }

    private var threeBrokers: ClusterView {
        ClusterView(brokers: endpoints, controllerId: 2, partitions: [
            "orders": orders,
            "__consumer_offsets": internalRouting(shift: 0),
            "__transaction_state": internalRouting(shift: 1),
        ])
    }

    /// Kafka's `abs(key.hashCode) % partitions`, written out here so the test does not trust the
    /// broker's own partitioner.
    private func expectedPartition(_ key: String) -> Int32 {
        var hash: Int32 = 0
        for unit in key.utf16 { hash = hash &* 31 &+ Int32(unit) }
        return (hash == .min ? 0 : abs(hash)) % Self.internalPartitions
    }

    private func startBroker() async throws -> TestBroker {
        let broker = try await TestBroker { config in
            config.nodeId = 1
            config.groupCoordinator.offsetsTopicPartitions = Self.internalPartitions
            config.transactionStateLogNumPartitions = Self.internalPartitions
        }
        try await broker.broker.groups.loadedFuture.get()
        try await broker.broker.transactions.loadedFuture.get()
        _ = try await broker.broker.topics.createTopic(name: "orders", partitions: 3, replicationFactor: 1, configs: [:],
                                                 validateOnly: false)
        return broker
    }

    private func run(_ body: (TestBroker, RawKafkaClient) async throws -> Void) async throws {
        let broker = try await startBroker()
        defer { broker.removeData() }
        do {
            try await body(broker, try RawKafkaClient(port: broker.port))
        } catch {
            try? await broker.stop()
            throw error
        }
        try await broker.stop()
    }

    func testASingleNodeAnswersAsTheLeaderOfEverything() async throws {
        try await run { broker, client in
            let port = Int32(broker.broker.config.advertised.port)
            let metadata = try client.request(MetadataRequest(topics: [.init(name: "orders")]), version: 12,
                                              as: MetadataResponse.self)
            XCTAssertEqual(metadata.brokers, [.init(nodeId: 1, host: "127.0.0.1", port: port, rack: nil)])
            XCTAssertEqual(metadata.controllerId, 1)
            XCTAssertEqual(metadata.topics.first?.partitions.map(\.leaderId), [1, 1, 1])
            XCTAssertEqual(metadata.topics.first?.partitions.map(\.leaderEpoch), [0, 0, 0])
            XCTAssertEqual(metadata.topics.first?.partitions.map(\.replicaNodes), [[1], [1], [1]])
            let found = try client.request(FindCoordinatorRequest(keyType: 0, coordinatorKeys: ["a", "b"]), version: 4,
                                           as: FindCoordinatorResponse.self)
            XCTAssertEqual(found.coordinators.map(\.nodeId), [1, 1])
            XCTAssertEqual(found.coordinators.map(\.port), [port, port])
        }
    }

    func testMetadataReportsTheViewsBrokersControllerAndReplicas() async throws {
        try await run { broker, client in
            broker.broker.replaceClusterView(threeBrokers)
            for version: Int16 in [1, 7, 12] {
                let response = try client.request(MetadataRequest(topics: [.init(name: "orders")]), version: version,
                                                  as: MetadataResponse.self)
                XCTAssertEqual(response.brokers.map(\.nodeId), [1, 2, 3], "v\(version)")
                XCTAssertEqual(response.brokers.map(\.host), ["b1.test", "b2.test", "b3.test"])
                XCTAssertEqual(response.brokers.map(\.port), [19091, 19092, 19093])
                XCTAssertEqual(response.brokers.map(\.rack), ["rack-a", "rack-b", nil])
                XCTAssertEqual(response.controllerId, 2)
                let partitions = try XCTUnwrap(response.topics.first?.partitions)
                XCTAssertEqual(partitions.map(\.errorCode), [0, 0, 0])
                XCTAssertEqual(partitions.map(\.leaderId), [1, 2, 3])
                XCTAssertEqual(partitions.map(\.replicaNodes), orders.map(\.replicas))
                XCTAssertEqual(partitions.map(\.isrNodes), orders.map(\.isr))
                if version >= 5 { XCTAssertEqual(partitions.map(\.offlineReplicas), [[], [], [2]]) }
                if version >= 7 { XCTAssertEqual(partitions.map(\.leaderEpoch), [3, 5, 0]) }
            }
        }
    }

    func testDescribeTopicPartitionsAndDescribeClusterReportTheView() async throws {
        try await run { broker, client in
            broker.broker.replaceClusterView(threeBrokers)
            let described = try client.request(DescribeTopicPartitionsRequest(topics: [.init(name: "orders")]), version: 0,
                                               as: DescribeTopicPartitionsResponse.self)
            let partitions = try XCTUnwrap(described.topics.first?.partitions)
            XCTAssertEqual(partitions.map(\.leaderId), [1, 2, 3])
            XCTAssertEqual(partitions.map(\.leaderEpoch), [3, 5, 0])
            XCTAssertEqual(partitions.map(\.replicaNodes), orders.map(\.replicas))
            XCTAssertEqual(partitions.map(\.isrNodes), orders.map(\.isr))
            XCTAssertEqual(partitions.map(\.offlineReplicas), [[], [], [2]])

            let cluster = try client.request(DescribeClusterRequest(), version: 1, as: DescribeClusterResponse.self)
            XCTAssertEqual(cluster.controllerId, 2)
            XCTAssertEqual(cluster.brokers.map(\.brokerId), [1, 2, 3])
            XCTAssertEqual(cluster.brokers.map(\.host), ["b1.test", "b2.test", "b3.test"])
            XCTAssertEqual(cluster.brokers.map(\.rack), ["rack-a", "rack-b", nil])
        }
    }

    func testTheCoordinatorIsTheLeaderOfTheKeysInternalPartition() async throws {
        try await run { broker, client in
            let view = threeBrokers
            broker.broker.replaceClusterView(view)
            let keys = (0..<12).map { "key-\($0)" }
            for (keyType, topic): (Int8, String) in [(0, "__consumer_offsets"), (1, "__transaction_state")] {
                let expected = keys.map { view.leader(topic: topic, partition: expectedPartition($0))! }
                XCTAssertGreaterThan(Set(expected.map(\.nodeId)).count, 1, "the keys must reach several leaders")
                let batched = try client.request(FindCoordinatorRequest(keyType: keyType, coordinatorKeys: keys), version: 4,
                                                 as: FindCoordinatorResponse.self)
                XCTAssertEqual(batched.coordinators.map(\.errorCode), keys.map { _ in 0 })
                XCTAssertEqual(batched.coordinators.map(\.nodeId), expected.map(\.nodeId), "key type \(keyType)")
                XCTAssertEqual(batched.coordinators.map(\.host), expected.map(\.host))
                XCTAssertEqual(batched.coordinators.map(\.port), expected.map(\.port))
                let single = try client.request(FindCoordinatorRequest(key: keys[0], keyType: keyType), version: 3,
                                                as: FindCoordinatorResponse.self)
                XCTAssertEqual(single.errorCode, 0)
                XCTAssertEqual(single.nodeId, expected[0].nodeId)
                XCTAssertEqual(single.host, expected[0].host)
            }
        }
    }

    func testAPartitionWithoutALiveLeaderIsReportedAsSuch() async throws {
        try await run { broker, client in
            var view = threeBrokers
            // Broker 3 leaves: its partitions have no live leader; the view no longer lists it.
            view = ClusterView(brokers: Array(endpoints.prefix(2)), controllerId: 2, partitions: view.partitions)
            view.partitions["__consumer_offsets"] = (0..<Self.internalPartitions).map { _ in
                PartitionRouting(leader: 3, leaderEpoch: 2, replicas: [3], isr: [3])
            }
            broker.broker.replaceClusterView(view)
            let found = try client.request(FindCoordinatorRequest(keyType: 0, coordinatorKeys: ["g"]), version: 4,
                                           as: FindCoordinatorResponse.self)
            XCTAssertEqual(found.coordinators.first?.errorCode, ErrorCode.coordinatorNotAvailable.rawValue)
            XCTAssertEqual(found.coordinators.first?.nodeId, -1)

            // A view that does not know a partition answers LEADER_NOT_AVAILABLE for it.
            view.partitions["orders"] = Array(orders.prefix(2))
            broker.broker.replaceClusterView(view)
            let metadata = try client.request(MetadataRequest(topics: [.init(name: "orders")]), version: 12,
                                              as: MetadataResponse.self)
            let partitions = try XCTUnwrap(metadata.topics.first?.partitions)
            XCTAssertEqual(partitions.map(\.errorCode), [0, 0, ErrorCode.leaderNotAvailable.rawValue])
            XCTAssertEqual(partitions.map(\.leaderId), [1, 2, -1])
        }
    }
}
