@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookStorage
import XCTest

/// AlterPartitionReassignments and ListPartitionReassignments on a single node: answered as a
/// one-broker Kafka cluster answers them (only broker 0 exists, nothing is ever in flight).
final class PartitionReassignmentApiTests: XCTestCase {
    private typealias Alter = AlterPartitionReassignmentsRequest

    private func alter(_ client: RawKafkaClient, _ topic: String, _ partitions: [(Int32, [Int32]?)]) throws
        -> [AlterPartitionReassignmentsResponse.ReassignablePartitionResponse] {
        let request = Alter(timeoutMs: 1000, topics: [Alter.ReassignableTopic(
            name: topic, partitions: partitions.map { Alter.ReassignablePartition(partitionIndex: $0.0, replicas: $0.1) })])
        let response = try client.request(request, version: 0, as: AlterPartitionReassignmentsResponse.self)
        XCTAssertEqual(response.errorCode, 0)
        XCTAssertEqual(response.responses.map(\.name), [topic])
        return response.responses.first?.partitions ?? []
    }

    func testOneBrokerAcceptsOnlyItselfAndHasNothingToCancelOrList() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        let versions = try client.request(ApiVersionsRequest(), version: 3, as: ApiVersionsResponse.self)
        let ranges = Dictionary(uniqueKeysWithValues: versions.apiKeys.map { ($0.apiKey, $0.minVersion...$0.maxVersion) })
        XCTAssertEqual(ranges[45], 0...0)
        XCTAssertEqual(ranges[46], 0...0)

        let created = try client.request(CreateTopicsRequest(topics: [.init(name: "moves", numPartitions: 2, replicationFactor: 1)],
                                                             timeoutMs: 1000), version: 7, as: CreateTopicsResponse.self)
        XCTAssertEqual(created.topics.first?.errorCode, 0)

        let answers = try alter(client, "moves", [(0, [0]), (1, [0, 2]), (1, nil), (5, [0])])
        XCTAssertEqual(answers.map(\.partitionIndex), [0, 1, 1, 5])
        XCTAssertEqual(answers.map(\.errorCode), [ErrorCode.none, .invalidReplicaAssignment, .noReassignmentInProgress,
                                                  .unknownTopicOrPartition].map(\.rawValue))
        XCTAssertNil(answers[0].errorMessage)
        XCTAssertEqual(answers[1].errorMessage,
                       "The manual partition assignment includes broker 2, but no such broker is registered.")
        XCTAssertEqual(try alter(client, "absent", [(0, [0])]).map(\.errorCode), [ErrorCode.unknownTopicOrPartition.rawValue])

        let listed = try client.request(ListPartitionReassignmentsRequest(timeoutMs: 1000, topics: nil), version: 0,
                                        as: ListPartitionReassignmentsResponse.self)
        XCTAssertEqual(listed.errorCode, 0)
        XCTAssertEqual(listed.topics, [])
        try await broker.stop()
    }

    /// A broker whose view names another controller forwards both APIs there and relays the
    /// answers; a request another broker forwarded is answered here (NOT_CONTROLLER), never forwarded again.
    func testABrokerForwardsToTheControllerItsViewNames() async throws {
        let controller = try await TestBroker()
        defer { controller.removeData() }
        let ongoing = OngoingReassignment(partition: TopicPartition(topic: "t", partition: 0), replicas: [1, 2, 3],
                                          adding: [3], removing: [1])
        let standIn = StandInReassignments(ongoing: [ongoing])
        controller.broker.setReassignments(standIn)
        controller.broker.clusterAdmin = standIn
        let other = try await TestBroker()
        defer { other.removeData() }
        let refusing = StandInReassignments(ongoing: [], refusal: .notController(controller: 1))
        other.broker.setReassignments(refusing)
        other.broker.clusterAdmin = refusing
        other.broker.replaceClusterView(ClusterView(
            brokers: [BrokerEndpoint(nodeId: 1, host: "127.0.0.1", port: Int32(controller.port)),
                      BrokerEndpoint(nodeId: 2, host: "127.0.0.1", port: Int32(other.port))], controllerId: 1))

        let client = try RawKafkaClient(port: other.port)
        let answers = try alter(client, "t", [(0, [2, 3])])
        XCTAssertEqual(answers.map(\.errorCode), [0], "the controller's answer, relayed")
        let listed = try client.request(ListPartitionReassignmentsRequest(timeoutMs: 1000, topics: nil), version: 0,
                                        as: ListPartitionReassignmentsResponse.self)
        XCTAssertEqual(listed.topics.map(\.name), ["t"])
        XCTAssertEqual(listed.topics.first?.partitions.first?.addingReplicas, [3])

        let forwarded = try RawKafkaClient(port: other.port, clientId: InterBrokerChannels.clientIdPrefix + "9")
        let refused = try forwarded.request(ListPartitionReassignmentsRequest(timeoutMs: 1000, topics: nil), version: 0,
                                            as: ListPartitionReassignmentsResponse.self)
        XCTAssertEqual(refused.errorCode, ErrorCode.notController.rawValue, "a forwarded request is not forwarded again")
        try await other.stop()
        try await controller.stop()
    }
}

/// Reassignments answering with fixed values (or refusing every call); as a cluster admin (what
/// marks a broker as a cluster's) it elects nothing.
private struct StandInReassignments: PartitionReassignments, ClusterAdmin {
    var ongoing: [OngoingReassignment]
    var refusal: ClusterMemberError?

    func alterPartitionReassignments(_ requests: [ReassignmentRequest]) async throws -> [Result<Void, ControllerError>] {
        if let refusal { throw refusal }
        return requests.map { _ in .success(()) }
    }

    func partitionReassignments(_ partitions: [TopicPartition]?) async throws -> [OngoingReassignment] {
        if let refusal { throw refusal }
        return ongoing
    }

    func electLeaders(_ type: ElectionType, partitions: [TopicPartition]?, timeout: Duration) async throws
        -> [TopicPartition: LeaderElectionOutcome] {
        throw refusal ?? .notController(controller: -1)
    }
}
