@testable import BrookClient
import BrookProtocol
import XCTest

/// `KafkaAdmin.electLeaders` against a fake controller: what goes on the wire, the per-partition
/// answers, and a NOT_CONTROLLER answer retried after a metadata refresh.
final class AdminElectLeadersTests: XCTestCase {
    private func start() throws -> (FakeBroker, KafkaAdmin) {
        let fake = try FakeBroker(versions: [.metadata: 0...12, .electLeaders: 0...2])
        fake.on(MetadataRequest.self) { _, _ in fake.metadata(["t": 3]) }
        var config = ClientConfig(bootstrapServers: [fake.address])
        config.retryBackoff = .milliseconds(5)
        config.defaultApiTimeout = .seconds(5)
        return (fake, KafkaAdmin(config: config))
    }

    func testNamedPartitionsGoGroupedByTopicAndComeBackOneResultEach() async throws {
        let (fake, admin) = try start()
        defer { fake.shutdown() }
        fake.on(ElectLeadersRequest.self) { request, _ in
            ElectLeadersResponse(errorCode: 0, replicaElectionResults: (request.topicPartitions ?? []).map { topic in
                .init(topic: topic.topic, partitionResult: topic.partitions.map {
                    .init(partitionId: $0, errorCode: $0 == 0 ? 0 : ErrorCode.electionNotNeeded.rawValue, errorMessage: nil)
                })
            })
        }
        let results = try await admin.electLeaders(.unclean, partitions: [TopicPartition("t", 2), TopicPartition("t", 0)])
        XCTAssertNoThrow(try results[TopicPartition("t", 0)]?.get())
        XCTAssertThrowsError(try results[TopicPartition("t", 2)]?.get()) { error in
            XCTAssertEqual((error as? KafkaClientError)?.errorCode, .electionNotNeeded)
        }
        let (request, version) = try XCTUnwrap(fake.requests(ElectLeadersRequest.self).first)
        XCTAssertEqual(version, 2)
        XCTAssertEqual(request.electionType, 1)
        XCTAssertEqual(request.topicPartitions, [.init(topic: "t", partitions: [0, 2])])

        _ = try await admin.electLeaders()
        XCTAssertNil(try XCTUnwrap(fake.requests(ElectLeadersRequest.self).last).0.topicPartitions, "nil: every partition")
        XCTAssertEqual(fake.requests(ElectLeadersRequest.self).last?.0.electionType, 0)
        await admin.close()
    }

    func testNotControllerIsRetriedAfterAMetadataRefresh() async throws {
        let (fake, admin) = try start()
        defer { fake.shutdown() }
        let calls = Locked(0)
        fake.on(ElectLeadersRequest.self) { request, _ in
            let call = calls.withLock { count -> Int in
                count += 1
                return count
            }
            let code = call == 1 ? ErrorCode.notController.rawValue : 0
            return ElectLeadersResponse(errorCode: 0, replicaElectionResults: (request.topicPartitions ?? []).map { topic in
                .init(topic: topic.topic, partitionResult: topic.partitions.map { .init(partitionId: $0, errorCode: code, errorMessage: nil) })
            })
        }
        let metadataBefore = fake.requests(MetadataRequest.self).count
        let results = try await admin.electLeaders(.preferred, partitions: [TopicPartition("t", 1)])
        XCTAssertNoThrow(try results[TopicPartition("t", 1)]?.get())
        XCTAssertEqual(fake.requests(ElectLeadersRequest.self).count, 2)
        XCTAssertGreaterThan(fake.requests(MetadataRequest.self).count, metadataBefore, "the controller is looked up again")
        await admin.close()
    }
}
