@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// Per-record produce errors (Produce v8+ `record_errors`): the records that break a topic rule
/// are named, the partition error is the rule's (INVALID_RECORD / INVALID_TIMESTAMP), as Kafka's
/// LogValidator answers.
final class ProduceRecordErrorsTests: XCTestCase {
    private let now: Int64 = 1_800_000_000_000

    private func policy(_ overrides: [String: String]) -> ProducePolicy {
        ProducePolicy(resolver: TopicConfigResolver(broker: BrokerConfig()), overrides: overrides, maxDecompressedSize: 1 << 20)
    }

    /// One batch of records given as (key, timestamp).
    private func batch(_ records: [(String?, Int64)], codec: CompressionCodec = .none) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(codec: codec)
        for (key, timestamp) in records {
            builder.append(key: key.map { ByteBuffer(string: $0) }, value: ByteBuffer(string: "v"), timestamp: timestamp)
        }
        return try builder.build()
    }

    private func prepare(_ records: ByteBuffer, _ overrides: [String: String]) -> Result<ProducedBatches, ProduceRefusal> {
        ProducedBatches.prepare(records, policy: policy(overrides), partition: "t-0", now: now)
    }

    func testKeylessRecordsOfACompactedTopicAreNamedOneByOne() throws {
        for codec in CompressionCodec.allCases {
            let records = try batch([("a", now), (nil, now), ("c", now), (nil, now)], codec: codec)
            guard case .failure(let refusal) = prepare(records, ["cleanup.policy": "compact"]) else {
                return XCTFail("keyless records accepted (\(codec))")
            }
            XCTAssertEqual(refusal.code, .invalidRecord)
            let keyless = "Compacted topic cannot accept message without key in topic partition t-0."
            XCTAssertEqual(refusal.recordErrors, [.init(batchIndex: 1, batchIndexErrorMessage: keyless),
                                                  .init(batchIndex: 3, batchIndexErrorMessage: keyless)])
            XCTAssertEqual(refusal.message,
                "One or more records have been rejected due to 2 record errors in total, and only showing the first three " +
                "errors at most: [RecordError(batchIndex=1, message='\(keyless)'), RecordError(batchIndex=3, message='\(keyless)')]")
        }
    }

    /// A record below the batch's base timestamp is out of range although the header's base and max
    /// timestamps are not: only reading the records finds it.
    func testTimestampsOutOfRangeAreNamedWithInvalidTimestamp() throws {
        let hour: Int64 = 3_600_000
        for codec in [CompressionCodec.none, .zstd] {
            let records = try batch([("a", now), ("b", now - 2 * hour), ("c", now + 2 * hour), ("d", now)], codec: codec)
            guard case .failure(let refusal) = prepare(records, ["message.timestamp.before.max.ms": "\(hour)",
                                                                 "message.timestamp.after.max.ms": "\(hour)"]) else {
                return XCTFail("out-of-range timestamps accepted (\(codec))")
            }
            XCTAssertEqual(refusal.code, .invalidTimestamp)
            XCTAssertEqual(refusal.message, "One or more records have been rejected due to invalid timestamp")
            XCTAssertEqual(refusal.recordErrors.map(\.batchIndex), [1, 2])
            XCTAssertEqual(refusal.recordErrors.first?.batchIndexErrorMessage,
                "Timestamp \(now - 2 * hour) of message with offset 1 is out of range. " +
                "The timestamp should be within [\(now - hour), \(now + hour)]")
        }
    }

    func testKeyErrorWinsOverTimestampErrorAndTimestampMakesTheCodeInvalidTimestamp() throws {
        let records = try batch([(nil, 5), ("b", 5), (nil, now)])
        guard case .failure(let refusal) = prepare(records, ["cleanup.policy": "compact",
                                                             "message.timestamp.before.max.ms": "1000"]) else {
            return XCTFail("accepted")
        }
        XCTAssertEqual(refusal.code, .invalidTimestamp)
        XCTAssertEqual(refusal.recordErrors.map(\.batchIndex), [0, 1, 2])
        XCTAssertTrue(refusal.recordErrors[0].batchIndexErrorMessage?.hasPrefix("Compacted topic") == true)
        XCTAssertTrue(refusal.recordErrors[1].batchIndexErrorMessage?.hasPrefix("Timestamp 5 ") == true)
    }

    func testIndexesCountOnAcrossBatchesOfOnePartition() throws {
        var records = try batch([("a", now), ("b", now)])
        records.writeImmutableBuffer(try batch([("c", now), (nil, now)], codec: .lz4))
        guard case .failure(let refusal) = prepare(records, ["cleanup.policy": "compact"]) else { return XCTFail("accepted") }
        XCTAssertEqual(refusal.recordErrors.map(\.batchIndex), [3])
    }

    /// As Kafka: only the broker stamps LogAppendTime; a producer batch claiming it on such a topic
    /// has every record refused with INVALID_TIMESTAMP. On a CreateTime topic it is left alone.
    func testProducerLogAppendTimeOnALogAppendTimeTopicIsRefused() throws {
        var builder = RecordBatchBuilder(logAppendTime: now)
        for key in ["a", "b"] { builder.append(key: ByteBuffer(string: key), value: nil, timestamp: now) }
        let records = try builder.build()
        guard case .failure(let refusal) = prepare(records, ["message.timestamp.type": "LogAppendTime"]) else {
            return XCTFail("accepted")
        }
        XCTAssertEqual(refusal.code, .invalidTimestamp)
        XCTAssertEqual(refusal.recordErrors.map(\.batchIndex), [0, 1])
        XCTAssertEqual(refusal.recordErrors.first?.batchIndexErrorMessage,
                       "Invalid timestamp type in message with offset 0. Producer should not set timestamp type to LogAppendTime.")
        guard case .success = prepare(records, [:]) else { return XCTFail("refused on a CreateTime topic") }
    }

    func testTooLargeBatchSaysItsSizeAndTheLimit() throws {
        let records = try batch([("a", now)])
        guard case .failure(let refusal) = prepare(records, ["max.message.bytes": "50"]) else { return XCTFail("accepted") }
        XCTAssertEqual(refusal.code, .messageTooLarge)
        XCTAssertEqual(refusal.message, "The record batch size in the append to t-0 is \(records.readableBytes) bytes which " +
                       "exceeds the maximum configured value of 50 (max.message.bytes).")
    }

    func testValidRecordsPassAndLogAppendTimeTopicsIgnoreTimestamps() throws {
        let records = try batch([("a", 5), ("b", now)])
        guard case .success(let prepared) = prepare(records, ["cleanup.policy": "compact"]) else { return XCTFail("refused") }
        XCTAssertEqual(prepared.stored, [records])
        guard case .success = prepare(records, ["message.timestamp.before.max.ms": "1000",
                                                "message.timestamp.type": "LogAppendTime"]) else { return XCTFail("refused") }
    }

    /// Beyond `maxRecordMessages` records carry their index only, so the response stays small.
    func testManyBadRecordsAreAllNamedButOnlyTheFirstWithText() throws {
        let count = ProduceRefusal.maxRecordMessages + 500
        let records = try batch(Array(repeating: (nil, now), count: count), codec: .zstd)
        guard case .failure(let refusal) = prepare(records, ["cleanup.policy": "compact"]) else { return XCTFail("accepted") }
        XCTAssertEqual(refusal.recordErrors.map(\.batchIndex), (0..<Int32(count)).map { $0 })
        XCTAssertEqual(refusal.recordErrors.filter { $0.batchIndexErrorMessage != nil }.count, ProduceRefusal.maxRecordMessages)
    }

    /// A batch with more bad records than the limit (`maxProblems`) is refused after naming that
    /// many: the walk stops, so neither time nor memory grows with the records declared.
    func testNamingStopsAtTheLimit() throws {
        var records = try batch(Array(repeating: (nil, now), count: 60), codec: .lz4)
        records.writeImmutableBuffer(try batch([(nil, now)]))
        let batches = try BatchValidation.validate(records, maxBatchSize: 1 << 20)
        let problems = try ProducedRecordChecks.problems(in: batches, policy: policy(["cleanup.policy": "compact"]),
                                                         partition: "t-0", now: now, limit: 50)
        XCTAssertEqual(problems.map(\.index), (0..<50).map { $0 })
    }

    func testTimestampBoundsNeverOverflowAtTheExtremes() {
        let bounds = TimestampBounds(beforeMaxMs: 1000, afterMaxMs: 1000)
        XCTAssertFalse(bounds.accepts(Int64.min, now: now))
        XCTAssertFalse(bounds.accepts(Int64.max, now: now))
        XCTAssertFalse(bounds.accepts(Int64.max, now: Int64.min))
        XCTAssertFalse(bounds.accepts(Int64.min, now: Int64.max))
        XCTAssertTrue(bounds.accepts(now - 1000, now: now))
        XCTAssertTrue(bounds.accepts(now + 1000, now: now))
        let open = TimestampBounds(beforeMaxMs: Int64.max, afterMaxMs: 10)
        XCTAssertTrue(open.accepts(Int64.min, now: Int64.max))
        XCTAssertFalse(open.accepts(Int64.max, now: Int64.min))
    }

    /// End to end over the wire at Produce v9: the response carries record_errors and the message,
    /// and nothing of the refused batch is stored.
    func testProduceResponseCarriesRecordErrors() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        _ = try await broker.broker.topics.createTopic(name: "compacted", partitions: 1, replicationFactor: 1,
                                                 configs: ["cleanup.policy": "compact"], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let records = try batch([("a", now), (nil, now)], codec: .snappy)
        let request = ProduceRequest(acks: -1, timeoutMs: 5000,
                                     topicData: [.init(name: "compacted", partitionData: [.init(index: 0, records: records)])])
        let response = try client.request(request, version: 9, as: ProduceResponse.self)
        let partition = try XCTUnwrap(response.responses.first?.partitionResponses.first)
        XCTAssertEqual(partition.errorCode, ErrorCode.invalidRecord.rawValue)
        XCTAssertEqual(partition.recordErrors.map(\.batchIndex), [1])
        XCTAssertTrue(partition.errorMessage?.hasPrefix("One or more records have been rejected due to 1 record errors") == true)
        let log = try XCTUnwrap(broker.broker.topics.topic(named: "compacted")?.partition(0))
        let end = try await log.eventLoop.submit { log.log.logEndOffset }.get()
        XCTAssertEqual(end, 0)
        try await broker.stop()
    }
}
