@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// acks=all is answered only once the batch is fsynced (the recovery point covers it); acks=1 is not.
final class DurabilityTests: XCTestCase {
    private func produce(_ client: RawKafkaClient, topic: String, acks: Int16) throws -> Int64 {
        var builder = RecordBatchBuilder(codec: .none)
        builder.append(key: nil, value: ByteBuffer(string: "v"), headers: [], timestamp: 1)
        let request = ProduceRequest(acks: acks, timeoutMs: 5000,
                                     topicData: [.init(name: topic, partitionData: [.init(index: 0, records: try builder.build())])])
        let response = try client.request(request, version: 9, as: ProduceResponse.self)
        let partition = try XCTUnwrap(response.responses.first?.partitionResponses.first)
        XCTAssertEqual(partition.errorCode, 0)
        return partition.baseOffset
    }

    private func recoveryPoint(_ broker: TestBroker, _ topic: String) throws -> Int64 {
        let partition = try XCTUnwrap(broker.broker.topics.topic(named: topic)?.partition(0))
        return try partition.eventLoop.submit { partition.log.recoveryPoint }.wait()
    }

    func testAcksAllIsFlushedBeforeTheAnswerAndAcksOneIsNot() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            _ = try client.request(MetadataRequest(topics: [.init(name: "d")], allowAutoTopicCreation: true), version: 12, as: MetadataResponse.self)
            let first = try produce(client, topic: "d", acks: 1)
            XCTAssertEqual(try recoveryPoint(broker, "d"), 0, "acks=1 must not wait for fsync")
            let second = try produce(client, topic: "d", acks: -1)
            XCTAssertEqual(second, first + 1)
            XCTAssertGreaterThanOrEqual(try recoveryPoint(broker, "d"), second + 1, "acks=all answered before fsync")
        }
        try await broker.stop()
    }

    func testFlushMessagesPolicyFlushesWithoutAcksAll() async throws {
        let broker = try await TestBroker { $0.flushMessages = 2 }
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            _ = try client.request(MetadataRequest(topics: [.init(name: "f")], allowAutoTopicCreation: true), version: 12, as: MetadataResponse.self)
            _ = try produce(client, topic: "f", acks: 1)
            _ = try produce(client, topic: "f", acks: 1)
            // The flush runs off the event loop after the answer; wait for it with a bound.
            let deadline = Date().addingTimeInterval(10)
            while try recoveryPoint(broker, "f") < 2 && Date() < deadline {
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            XCTAssertEqual(try recoveryPoint(broker, "f"), 2)
        }
        try await broker.stop()
    }
}
