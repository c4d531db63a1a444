@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookStorage
import Foundation
import XCTest

/// ElectLeaders over the wire: a single node's answers (it leads everything), and a cluster
/// broker's, with the controller's outcomes supplied by a stand-in `ClusterAdmin`.
final class ElectLeadersHandlerTests: XCTestCase {
    private typealias Request = ElectLeadersRequest
    private typealias Response = ElectLeadersResponse

    /// Per topic, partition → (error code, message), in answer order.
    private func results(_ response: Response) -> [String: [(Int32, Int16)]] {
        Dictionary(response.replicaElectionResults.map { ($0.topic, $0.partitionResult.map { ($0.partitionId, $0.errorCode) }) },
                   uniquingKeysWith: { $0 + $1 })
    }

    private func codes(_ response: Response) -> [String: Int16] {
        var out: [String: Int16] = [:]
        for topic in response.replicaElectionResults {
            for partition in topic.partitionResult { out["\(topic.topic)-\(partition.partitionId)"] = partition.errorCode }
        }
        return out
    }

    private func startWithTopic() async throws -> (TestBroker, RawKafkaClient) {
        let broker = try await TestBroker()
        let client = try RawKafkaClient(port: broker.port)
        let created = try client.request(
            CreateTopicsRequest(topics: [.init(name: "t", numPartitions: 2, replicationFactor: 1)], timeoutMs: 1000),
            version: 7, as: CreateTopicsResponse.self)
        XCTAssertEqual(created.topics.map(\.errorCode), [0])
        return (broker, client)
    }

    func testASingleNodeLeadsEveryPartitionSoNoElectionIsNeeded() async throws {
        let (broker, client) = try await startWithTopic()
        defer { broker.removeData() }
        let versions = try client.request(ApiVersionsRequest(), version: 3, as: ApiVersionsResponse.self)
        XCTAssertEqual(versions.apiKeys.first { $0.apiKey == 43 }.map { $0.minVersion...$0.maxVersion }, 0...2)

        let named = Request(electionType: 0, topicPartitions: [.init(topic: "t", partitions: [1, 0, 5]),
                                                               .init(topic: "missing", partitions: [0])])
        for version: Int16 in [0, 1, 2] {
            let response = try client.request(named, version: version, as: Response.self)
            XCTAssertEqual(response.errorCode, 0)
            XCTAssertEqual(response.replicaElectionResults.map(\.topic), ["t", "missing"], "request order, v\(version)")
            XCTAssertEqual(results(response)["t"]?.map(\.0), [1, 0, 5])
            XCTAssertEqual(codes(response), [
                "t-0": ErrorCode.electionNotNeeded.rawValue, "t-1": ErrorCode.electionNotNeeded.rawValue,
                "t-5": ErrorCode.unknownTopicOrPartition.rawValue, "missing-0": ErrorCode.unknownTopicOrPartition.rawValue,
            ], "v\(version)")
        }
        // Every partition: those needing no election are left out, so nothing is listed.
        let all = try client.request(Request(electionType: 0, topicPartitions: nil), version: 2, as: Response.self)
        XCTAssertEqual(all.errorCode, 0)
        XCTAssertEqual(all.replicaElectionResults, [])
        // Unclean: the partition has a leader.
        let unclean = try client.request(Request(electionType: 1, topicPartitions: [.init(topic: "t", partitions: [0])]),
                                         version: 2, as: Response.self)
        XCTAssertEqual(codes(unclean), ["t-0": ErrorCode.electionNotNeeded.rawValue])
        try await broker.stop()
    }

    func testMalformedRequestsAreRefusedPerPartition() async throws {
        let (broker, client) = try await startWithTopic()
        defer { broker.removeData() }
        let twice = Request(electionType: 0, topicPartitions: [.init(topic: "t", partitions: [0, 1]),
                                                               .init(topic: "t", partitions: [0])])
        let duplicated = try client.request(twice, version: 2, as: Response.self)
        XCTAssertEqual(duplicated.errorCode, 0)
        XCTAssertEqual(results(duplicated)["t"]?.map(\.0), [0, 1], "one answer per partition")
        XCTAssertEqual(codes(duplicated), ["t-0": ErrorCode.invalidRequest.rawValue, "t-1": ErrorCode.electionNotNeeded.rawValue])
        XCTAssertNotNil(duplicated.replicaElectionResults.first?.partitionResult.first?.errorMessage)

        let unknownType = try client.request(Request(electionType: 7, topicPartitions: [.init(topic: "t", partitions: [0])]),
                                             version: 1, as: Response.self)
        XCTAssertEqual(unknownType.errorCode, ErrorCode.invalidRequest.rawValue)
        XCTAssertEqual(codes(unknownType), ["t-0": ErrorCode.invalidRequest.rawValue])
        // Version 0 has no election type: always preferred.
        let v0 = try client.request(Request(electionType: 7, topicPartitions: [.init(topic: "t", partitions: [0])]),
                                    version: 0, as: Response.self)
        XCTAssertEqual(codes(v0), ["t-0": ErrorCode.electionNotNeeded.rawValue])
        try await broker.stop()
    }

    func testAClusterBrokerAnswersWithTheControllersOutcomes() async throws {
        let (broker, client) = try await startWithTopic()
        defer { broker.removeData() }
        let admin = StandInClusterAdmin(outcomes: [
            TopicPartition(topic: "t", partition: 0): .elected(leader: 2),
            TopicPartition(topic: "t", partition: 1): .refused(.electionNotNeeded),
            TopicPartition(topic: "u", partition: 0): .refused(.preferredLeaderNotAvailable),
            TopicPartition(topic: "u", partition: 1): .timedOut,
        ])
        broker.broker.clusterAdmin = admin

        let named = Request(electionType: 0, topicPartitions: [.init(topic: "t", partitions: [0, 1]),
                                                               .init(topic: "u", partitions: [0, 1, 0])], timeoutMs: 1234)
        let response = try client.request(named, version: 2, as: Response.self)
        XCTAssertEqual(codes(response), [
            "t-0": 0, "t-1": ErrorCode.electionNotNeeded.rawValue,
            "u-0": ErrorCode.invalidRequest.rawValue,  // named twice: not sent to the controller
            "u-1": ErrorCode.requestTimedOut.rawValue,
        ])
        XCTAssertEqual(admin.asked.last ?? nil, [TopicPartition(topic: "t", partition: 0), TopicPartition(topic: "t", partition: 1),
                                                 TopicPartition(topic: "u", partition: 1)])
        XCTAssertEqual(admin.timeouts.last, .milliseconds(1234), "the controller waits as long as the client asked")

        // Every partition: the controller is asked for all, and ELECTION_NOT_NEEDED is left out.
        let all = try client.request(Request(electionType: 1, topicPartitions: nil), version: 2, as: Response.self)
        XCTAssertEqual(admin.asked.count, 2)
        XCTAssertNil(admin.asked.last ?? [])
        XCTAssertEqual(admin.types.last, .unclean)
        XCTAssertEqual(codes(all), ["t-0": 0, "u-0": ErrorCode.preferredLeaderNotAvailable.rawValue,
                                    "u-1": ErrorCode.requestTimedOut.rawValue])
        XCTAssertEqual(all.replicaElectionResults.map(\.topic), ["t", "u"])
        try await broker.stop()
    }

    func testABrokerThatIsNotTheControllerAnswersNotController() async throws {
        let (broker, client) = try await startWithTopic()
        defer { broker.removeData() }
        broker.broker.clusterAdmin = StandInClusterAdmin(outcomes: [:], refusal: .notController(controller: 2))

        let named = try client.request(Request(electionType: 0, topicPartitions: [.init(topic: "t", partitions: [1])]),
                                       version: 2, as: Response.self)
        XCTAssertEqual(named.errorCode, 0, "per partition, as a ZooKeeper-mode broker answers")
        XCTAssertEqual(codes(named), ["t-1": ErrorCode.notController.rawValue])

        let all = try client.request(Request(electionType: 0, topicPartitions: nil), version: 2, as: Response.self)
        let answered = codes(all)
        XCTAssertEqual(answered["t-0"], ErrorCode.notController.rawValue)
        XCTAssertEqual(answered["t-1"], ErrorCode.notController.rawValue)
        XCTAssertTrue(answered.values.allSatisfy { $0 == ErrorCode.notController.rawValue }, "\(answered)")
        try await broker.stop()
    }

    /// A broker whose view names another controller forwards the request there and relays its
    /// answer; a request it got forwarded is answered here, never forwarded again (no loops).
    func testABrokerForwardsToTheControllerItsViewNames() async throws {
        let (controller, _) = try await startWithTopic()
        defer { controller.removeData() }
        controller.broker.clusterAdmin = StandInClusterAdmin(outcomes: [TopicPartition(topic: "t", partition: 1): .elected(leader: 1)])
        let (other, client) = try await startWithTopic()
        defer { other.removeData() }
        other.broker.clusterAdmin = StandInClusterAdmin(outcomes: [:], refusal: .notController(controller: 1))
        other.broker.replaceClusterView(ClusterView(
            brokers: [BrokerEndpoint(nodeId: 1, host: "127.0.0.1", port: Int32(controller.port)),
                      BrokerEndpoint(nodeId: 2, host: "127.0.0.1", port: Int32(other.port))], controllerId: 1))

        let named = Request(electionType: 0, topicPartitions: [.init(topic: "t", partitions: [1])], timeoutMs: 1000)
        XCTAssertEqual(codes(try client.request(named, version: 2, as: Response.self)), ["t-1": 0], "the controller's answer")

        let forwarded = try RawKafkaClient(port: other.port, clientId: InterBrokerChannels.clientIdPrefix + "9")
        XCTAssertEqual(codes(try forwarded.request(named, version: 2, as: Response.self)),
                       ["t-1": ErrorCode.notController.rawValue], "a forwarded request is not forwarded again")
        try await other.stop()
        try await controller.stop()
    }
}

/// A `ClusterAdmin` answering with fixed outcomes (or refusing), recording what it was asked.
private final class StandInClusterAdmin: ClusterAdmin, @unchecked Sendable {
    private let lock = NSLock()
    private let outcomes: [TopicPartition: LeaderElectionOutcome]
    private let refusal: ClusterMemberError?
    private var requests: [(ElectionType, [TopicPartition]?, Duration)] = []

    init(outcomes: [TopicPartition: LeaderElectionOutcome], refusal: ClusterMemberError? = nil) {
        self.outcomes = outcomes
        self.refusal = refusal
    }

    var asked: [[TopicPartition]?] { lock.withLock { requests.map(\.1) } }
    var types: [ElectionType] { lock.withLock { requests.map(\.0) } }
    var timeouts: [Duration] { lock.withLock { requests.map(\.2) } }

    func electLeaders(_ type: ElectionType, partitions: [TopicPartition]?, timeout: Duration) async throws
        -> [TopicPartition: LeaderElectionOutcome] {
        lock.withLock { requests.append((type, partitions, timeout)) }
        if let refusal { throw refusal }
        guard let partitions else { return outcomes }
        return outcomes.filter { partitions.contains($0.key) }
    }
}
