@testable import BrookBroker
import BrookProtocol
import NIOCore
import XCTest

/// The advertised version table, the admin APIs' old versions (CreateTopics 0–1, DeleteTopics 0,
/// DescribeConfigs 0, DescribeLogDirs 0), FindCoordinator 5–6, and what happens outside the table.
final class OldApiVersionsAdminTests: XCTestCase {
    /// What Brook must advertise: for each API it serves, Kafka 3.9's validVersions
    /// (clients/src/main/resources/common/message/*Request.json at 3.9.0) united with the newer
    /// versions of 4.x that Brook implements (ListOffsets 10, Produce 12, OffsetFetch 10,
    /// DescribeGroups 6, ConsumerGroupHeartbeat 1). EndTxn 5 (4.x, transaction version 2) is not
    /// implemented, so EndTxn stays at 3.9's 0–4.
    static let expected: [Int16: ClosedRange<Int16>] = [
        0: 0...12, 1: 0...17, 2: 0...10, 3: 0...12, 8: 0...9, 9: 0...10, 10: 0...6, 11: 0...9, 12: 0...4,
        13: 0...5, 14: 0...5, 15: 0...6, 16: 0...5, 18: 0...4, 19: 0...7, 20: 0...6, 21: 0...2, 22: 0...5, 23: 0...4,
        24: 0...5, 25: 0...4, 26: 0...4, 27: 0...1, 28: 0...4, 32: 0...4, 33: 0...2, 35: 0...4, 37: 0...3,
        42: 0...2, 43: 0...2, 44: 0...1, 45: 0...0, 46: 0...0, 47: 0...0, 60: 0...1, 61: 0...0, 65: 0...0, 66: 0...1, 68: 0...1, 69: 0...0,
        75: 0...0,
    ]

    func testApiVersionsAdvertiseTheUnionOfKafka39And4x() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            for version in Int16(0)...4 {
                let response = try client.request(ApiVersionsRequest(), version: version, as: ApiVersionsResponse.self)
                let advertised = Dictionary(uniqueKeysWithValues: response.apiKeys.map { ($0.apiKey, $0.minVersion...$0.maxVersion) })
                XCTAssertEqual(Set(advertised.keys), Set(Self.expected.keys), "v\(version)")
                for (key, range) in Self.expected.sorted(by: { $0.key < $1.key }) {
                    guard let got = advertised[key] else { continue }
                    XCTAssertEqual(got, range, "api \(key)")
                }
            }
        }
        try await broker.stop()
    }

    /// Kafka 3.9 (SocketServer.parseRequestHeader) throws InvalidRequestException for a version
    /// outside the advertised range of any API but ApiVersions, and the processor closes the
    /// connection without an answer. Brook does the same.
    func testAVersionOutsideTheRangeClosesTheConnection() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            for (key, version) in [(Int16(2), Int16(11)), (8, 10), (9, 11), (10, 7), (19, 8), (32, 5), (35, 5), (2, -1)] {
                let client = try RawKafkaClient(port: broker.port)
                var frame = ByteBuffer()
                KafkaFrame.write(into: &frame) { body in
                    RequestHeader(apiKey: key, apiVersion: version, correlationId: 1, clientId: "old")
                        .encode(into: &body, headerVersion: 1)
                    body.writeBytes([0, 0, 0, 0])
                }
                client.sendRaw(frame)
                XCTAssertNil(client.readFrame(), "api \(key) v\(version)")
            }
        }
        try await broker.stop()
    }

    func testCreateTopicsV0V1AndDeleteTopicsV0() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            let create0 = try client.request(CreateTopicsRequest(topics: [.init(name: "c0", numPartitions: 2, replicationFactor: 1)],
                                                                 timeoutMs: 1000), version: 0, as: CreateTopicsResponse.self)
            XCTAssertEqual(create0.topics.map(\.errorCode), [0])
            XCTAssertEqual(broker.broker.topics.topic(named: "c0")?.partitions.count, 2)
            let again = try client.request(CreateTopicsRequest(topics: [.init(name: "c0", numPartitions: 1, replicationFactor: 1)]),
                                           version: 0, as: CreateTopicsResponse.self)
            XCTAssertEqual(again.topics.map(\.errorCode), [ErrorCode.topicAlreadyExists.rawValue])
            let validate = try client.request(CreateTopicsRequest(topics: [.init(name: "c1", numPartitions: 1, replicationFactor: 1)],
                                                                  validateOnly: true), version: 1, as: CreateTopicsResponse.self)
            XCTAssertEqual(validate.topics.map(\.errorCode), [0])
            XCTAssertNil(broker.broker.topics.topic(named: "c1"), "validate_only (v1) creates nothing")
            let create1 = try client.request(CreateTopicsRequest(topics: [.init(name: "c1", numPartitions: 1, replicationFactor: 1)]),
                                             version: 1, as: CreateTopicsResponse.self)
            XCTAssertEqual(create1.topics.map(\.errorCode), [0])

            let deleted = try client.request(DeleteTopicsRequest(topicNames: ["c0", "nope"], timeoutMs: 1000), version: 0,
                                             as: DeleteTopicsResponse.self)
            XCTAssertEqual(deleted.responses.map(\.name), ["c0", "nope"])
            XCTAssertEqual(deleted.responses.map(\.errorCode), [0, ErrorCode.unknownTopicOrPartition.rawValue])
            XCTAssertNil(broker.broker.topics.topic(named: "c0"))
        }
        try await broker.stop()
    }

    func testDescribeConfigsV0ReportsIsDefault() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1,
                                                 configs: ["retention.ms": "1234"], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let request = DescribeConfigsRequest(resources: [
                .init(resourceType: 2, resourceName: "t", configurationKeys: ["retention.ms", "cleanup.policy"]),
                .init(resourceType: 4, resourceName: "", configurationKeys: nil),
            ])
            let response = try client.request(request, version: 0, as: DescribeConfigsResponse.self)
            XCTAssertEqual(response.results.map(\.errorCode), [0, 0])
            let topic = Dictionary(uniqueKeysWithValues: response.results[0].configs.map { ($0.name, $0) })
            XCTAssertEqual(topic["retention.ms"]?.value, "1234")
            XCTAssertEqual(topic["retention.ms"]?.isDefault, false)
            XCTAssertEqual(topic["cleanup.policy"]?.value, "delete")
            XCTAssertEqual(topic["cleanup.policy"]?.isDefault, true)
            // No config_source or synonyms at v0.
            XCTAssertTrue(response.results[0].configs.allSatisfy { $0.configSource == -1 && $0.synonyms.isEmpty })
            XCTAssertFalse(response.results[1].configs.isEmpty)
        }
        try await broker.stop()
    }

    func testDescribeLogDirsV0() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let response = try client.request(DescribeLogDirsRequest(topics: nil), version: 0, as: DescribeLogDirsResponse.self)
            XCTAssertEqual(response.results.count, 1)
            XCTAssertEqual(response.results.first?.errorCode, 0)
            let t = response.results.first?.topics.first { $0.name == "t" }
            XCTAssertEqual(t?.partitions.map(\.partitionIndex).sorted(), [0, 1])
        }
        try await broker.stop()
    }

    func testFindCoordinatorV5V6AndShareGroups() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            for version: Int16 in [4, 5, 6] {
                for keyType: Int8 in [0, 1] {
                    let response = try client.request(FindCoordinatorRequest(keyType: keyType, coordinatorKeys: ["k"]),
                                                      version: version, as: FindCoordinatorResponse.self)
                    XCTAssertEqual(response.coordinators.map(\.errorCode), [0], "v\(version) type \(keyType)")
                    XCTAssertEqual(response.coordinators.first?.nodeId, broker.broker.identity.nodeId)
                    XCTAssertEqual(response.coordinators.first?.port, Int32(broker.broker.config.advertised.port))
                }
                // Share groups (KIP-932) are a v6 key type; Kafka 3.9 has no share coordinator to offer.
                let share = try client.request(FindCoordinatorRequest(keyType: 2, coordinatorKeys: ["s"]),
                                               version: version, as: FindCoordinatorResponse.self)
                let expected = version >= 6 ? ErrorCode.coordinatorNotAvailable : .invalidRequest
                XCTAssertEqual(share.coordinators.map(\.errorCode), [expected.rawValue], "v\(version)")
                XCTAssertEqual(share.coordinators.first?.nodeId, -1)
            }
            let old = try client.request(FindCoordinatorRequest(key: "s", keyType: 2), version: 3, as: FindCoordinatorResponse.self)
            XCTAssertEqual(old.errorCode, ErrorCode.invalidRequest.rawValue)
        }
        try await broker.stop()
    }
}
