@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// Fetch v13–17 name topics by id (KIP-516): known ids are read like names, unknown ids answer
/// UNKNOWN_TOPIC_ID at once, and the response names each topic by id.
final class FetchByTopicIdTests: XCTestCase {
    private func fetch(_ client: RawKafkaClient, topics: [FetchRequest.FetchTopic], version: Int16,
                       maxWaitMs: Int32 = 0) throws -> FetchResponse {
        let request = FetchRequest(replicaId: -1, maxWaitMs: maxWaitMs, minBytes: 1, maxBytes: 1 << 20, topics: topics)
        return try client.request(request, version: version, as: FetchResponse.self)
    }

    func testFetchByTopicIdFromVersion13() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 2, replicationFactor: 1, configs: [:], validateOnly: false)
        let id = try XCTUnwrap(broker.broker.topics.topic(named: "t")?.id)
        let client = try RawKafkaClient(port: broker.port)
        let advertised = try client.request(ApiVersionsRequest(), version: 3, as: ApiVersionsResponse.self).apiKeys
        XCTAssertEqual(advertised.first { $0.apiKey == ApiKey.fetch.rawValue }?.maxVersion, 17)

        var builder = RecordBatchBuilder()
        builder.append(key: nil, value: ByteBuffer(string: "hello"), timestamp: 1_700_000_000_000)
        let produce = ProduceRequest(acks: -1, timeoutMs: 5000, topicData: [
            .init(name: "t", partitionData: [.init(index: 1, records: try builder.build())]),
        ])
        XCTAssertEqual(try client.request(produce, version: 9, as: ProduceResponse.self).responses.first?
            .partitionResponses.first?.errorCode, 0)

        let unknown = KafkaUUID(high: 42, low: 42)
        for version: Int16 in 13...17 {
            let response = try fetch(client, topics: [
                .init(topicId: id, partitions: [.init(partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20)]),
                .init(topicId: unknown, partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20)]),
            ], version: version, maxWaitMs: 30_000)
            XCTAssertEqual(response.responses.map(\.topicId), [id, unknown], "v\(version)")
            let data = try XCTUnwrap(response.responses.first?.partitions.first)
            XCTAssertEqual(data.errorCode, 0)
            XCTAssertEqual(data.highWatermark, 1)
            let records = try XCTUnwrap(data.records)
            let batch = try XCTUnwrap(try RecordBatch.decodeAll(records, maxDecompressedSize: 1 << 20).first)
            XCTAssertEqual(batch.records.first?.value, ByteBuffer(string: "hello"))
            XCTAssertEqual(response.responses.last?.partitions.map(\.errorCode), [ErrorCode.unknownTopicId.rawValue])
        }
        // A long poll waits for min_bytes, but an unknown id is an error to answer at once.
        let started = ContinuousClock.now
        let alone = try fetch(client, topics: [.init(topicId: unknown, partitions: [
            .init(partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20)])], version: 17, maxWaitMs: 30_000)
        XCTAssertEqual(alone.responses.first?.partitions.first?.errorCode, ErrorCode.unknownTopicId.rawValue)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(10))
        // Produce v12 is v11 on the wire (Kafka 4's KIP-890 number, by name).
        XCTAssertEqual(advertised.first { $0.apiKey == ApiKey.produce.rawValue }?.maxVersion, 12)
        var second = RecordBatchBuilder()
        second.append(key: nil, value: ByteBuffer(string: "again"), timestamp: 1_700_000_000_001)
        let v12 = try client.request(ProduceRequest(acks: -1, timeoutMs: 5000, topicData: [
            .init(name: "t", partitionData: [.init(index: 1, records: try second.build())]),
        ]), version: 12, as: ProduceResponse.self)
        XCTAssertEqual(v12.responses.first?.partitionResponses.first?.errorCode, 0)
        XCTAssertEqual(v12.responses.first?.partitionResponses.first?.baseOffset, 1)
        // Fetch v12 still names the topic.
        let byName = try fetch(client, topics: [.init(topic: "t", partitions: [
            .init(partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20)])], version: 12)
        XCTAssertEqual(byName.responses.first?.topic, "t")
        XCTAssertEqual(byName.responses.first?.partitions.first?.highWatermark, 2)
        try await broker.stop()
    }
}
