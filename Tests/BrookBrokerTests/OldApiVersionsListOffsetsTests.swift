@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// ListOffsets at every version through a real broker: v0's old_style_offsets (Burrow, sarama 1.22)
/// and, from v1, which sentinel timestamps each version accepts (Kafka 3.9's
/// `handleListOffsetRequestV1AndAbove`).
final class OldApiVersionsListOffsetsTests: XCTestCase {
    /// Topic `t` (one partition) holding offsets 0–2 with timestamps 1000, 3000, 2000.
    private func brokerWithRecords() async throws -> TestBroker {
        let broker = try await TestBroker()
        let topic = try await unwrapped(broker.broker.topics.createTopic(
            name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false))
        var builder = RecordBatchBuilder()
        for (i, time) in [Int64(1_000), 3_000, 2_000].enumerated() {
            builder.append(key: nil, value: ByteBuffer(string: "v\(i)"), timestamp: time)
        }
        _ = try await XCTUnwrap(topic.partition(0)).append([try builder.build()], durable: true, logAppendTime: false).get()
        return broker
    }

    private func v0(_ client: RawKafkaClient, topic: String = "t", partition: Int32 = 0, timestamp: Int64, max: Int32,
                    replicaId: Int32 = -1) throws -> ListOffsetsResponse.ListOffsetsPartitionResponse {
        let request = ListOffsetsRequest(replicaId: replicaId, topics: [
            .init(name: topic, partitions: [.init(partitionIndex: partition, timestamp: timestamp, maxNumOffsets: max)]),
        ])
        let response = try client.request(request, version: 0, as: ListOffsetsResponse.self)
        XCTAssertEqual(response.topics.first?.name, topic)
        return try XCTUnwrap(response.topics.first?.partitions.first)
    }

    func testVersion0LatestEarliestAndCounts() async throws {
        let broker = try await brokerWithRecords()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            let latest = try v0(client, timestamp: -1, max: 1)
            XCTAssertEqual(latest.errorCode, 0)
            XCTAssertEqual(latest.oldStyleOffsets, [3])
            // Segment base 0, then the log end: newest first, at most max_num_offsets.
            XCTAssertEqual(try v0(client, timestamp: -1, max: 10).oldStyleOffsets, [3, 0])
            XCTAssertEqual(try v0(client, timestamp: -2, max: 1).oldStyleOffsets, [0])
            XCTAssertEqual(try v0(client, timestamp: -2, max: 10).oldStyleOffsets, [0])
            XCTAssertEqual(try v0(client, timestamp: -1, max: 0).oldStyleOffsets, [])
            // A replica (id >= 0) gets the same here: the high watermark is the log end on one node.
            XCTAssertEqual(try v0(client, timestamp: -1, max: 1, replicaId: 0).oldStyleOffsets, [3])
            // By time: the segment file and the log end were both modified before Int64.max, none at 0.
            XCTAssertEqual(try v0(client, timestamp: Int64.max, max: 10).oldStyleOffsets, [3, 0])
            let beforeAll = try v0(client, timestamp: 0, max: 10)
            XCTAssertEqual(beforeAll.errorCode, 0)
            XCTAssertEqual(beforeAll.oldStyleOffsets, [])
        }
        try await broker.stop()
    }

    func testVersion0Errors() async throws {
        let broker = try await brokerWithRecords()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            // Below -2 no sentinel exists at v0 (max timestamp is v7+).
            XCTAssertEqual(try v0(client, timestamp: -3, max: 1).errorCode, ErrorCode.unsupportedVersion.rawValue)
            XCTAssertEqual(try v0(client, timestamp: Int64.min, max: 1).errorCode, ErrorCode.unsupportedVersion.rawValue)
            XCTAssertEqual(try v0(client, topic: "nope", timestamp: -1, max: 1).errorCode,
                           ErrorCode.unknownTopicOrPartition.rawValue)
            XCTAssertEqual(try v0(client, partition: 7, timestamp: -1, max: 1).errorCode,
                           ErrorCode.unknownTopicOrPartition.rawValue)
            // Kafka fails allocating a negative-sized result: UNKNOWN_SERVER_ERROR, no offsets.
            let negative = try v0(client, timestamp: -1, max: -1)
            XCTAssertEqual(negative.errorCode, ErrorCode.unknownServerError.rawValue)
            XCTAssertEqual(negative.oldStyleOffsets, [])
            XCTAssertEqual(try v0(client, timestamp: -1, max: Int32.max).oldStyleOffsets, [3, 0])
        }
        try await broker.stop()
    }

    /// Several segments (segment.bytes 150 rolls before each 108-byte batch): every segment base is a
    /// candidate, and DeleteRecords raises the oldest to the new log start.
    func testVersion0ListsSegmentBasesAndFollowsTheLogStart() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let topic = try await unwrapped(broker.broker.topics.createTopic(
                name: "s", partitions: 1, replicationFactor: 1, configs: ["segment.bytes": "150"], validateOnly: false))
            let partition = try XCTUnwrap(topic.partition(0))
            for i in 0..<3 {
                var builder = RecordBatchBuilder()
                builder.append(key: nil, value: ByteBuffer(string: String(repeating: "x", count: 40)), timestamp: Int64(i))
                _ = try await partition.append([try builder.build()], durable: true, logAppendTime: false).get()
            }
            let client = try RawKafkaClient(port: broker.port)
            XCTAssertEqual(try v0(client, topic: "s", timestamp: -1, max: 10).oldStyleOffsets, [3, 2, 1, 0])
            XCTAssertEqual(try v0(client, topic: "s", timestamp: -1, max: 2).oldStyleOffsets, [3, 2])
            XCTAssertEqual(try v0(client, topic: "s", timestamp: Int64.max, max: 10).oldStyleOffsets, [3, 2, 1, 0])
            let deleted = try client.request(DeleteRecordsRequest(topics: [
                .init(name: "s", partitions: [.init(partitionIndex: 0, offset: 1)]),
            ], timeoutMs: 5_000), version: 1, as: DeleteRecordsResponse.self)
            XCTAssertEqual(deleted.topics.first?.partitions.first?.errorCode, 0)
            XCTAssertEqual(try v0(client, topic: "s", timestamp: -2, max: 1).oldStyleOffsets, [1])
            XCTAssertEqual(try v0(client, topic: "s", timestamp: -1, max: 10).oldStyleOffsets, [3, 2, 1])
        }
        try await broker.stop()
    }

    func testSentinelTimestampsPerVersion() async throws {
        let broker = try await brokerWithRecords()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            for version in Int16(1)...10 {
                func ask(_ timestamp: Int64) throws -> ListOffsetsResponse.ListOffsetsPartitionResponse {
                    let request = ListOffsetsRequest(replicaId: -1, topics: [
                        .init(name: "t", partitions: [.init(partitionIndex: 0, timestamp: timestamp)]),
                    ], timeoutMs: 1000)
                    let response = try client.request(request, version: version, as: ListOffsetsResponse.self)
                    return try XCTUnwrap(response.topics.first?.partitions.first)
                }
                let unsupported = ErrorCode.unsupportedVersion.rawValue
                XCTAssertEqual(try ask(-1).offset, 3, "v\(version)")
                XCTAssertEqual(try ask(-2).offset, 0, "v\(version)")
                let maxTime = try ask(-3)
                XCTAssertEqual(maxTime.errorCode, version >= 7 ? 0 : unsupported, "v\(version)")
                if version >= 7 {
                    XCTAssertEqual(maxTime.offset, 1)
                    XCTAssertEqual(maxTime.timestamp, 3_000)
                }
                let earliestLocal = try ask(-4)
                XCTAssertEqual(earliestLocal.errorCode, version >= 8 ? 0 : unsupported, "v\(version)")
                XCTAssertEqual(earliestLocal.offset, version >= 8 ? 0 : -1, "v\(version)")
                let latestTiered = try ask(-5)
                XCTAssertEqual(latestTiered.errorCode, version >= 9 ? 0 : unsupported, "v\(version)")
                XCTAssertEqual(latestTiered.offset, -1, "v\(version)")
                XCTAssertEqual(latestTiered.leaderEpoch, -1, "v\(version)")
                XCTAssertEqual(try ask(-6).errorCode, unsupported, "v\(version)")
                XCTAssertEqual(try ask(Int64.min).errorCode, unsupported, "v\(version)")
                XCTAssertEqual(try ask(2_500).offset, 1, "v\(version)")
            }
        }
        try await broker.stop()
    }

    func testDuplicatePartitionsAreInvalidFromVersion1() async throws {
        let broker = try await brokerWithRecords()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            let request = ListOffsetsRequest(replicaId: -1, topics: [
                .init(name: "t", partitions: [.init(partitionIndex: 0, timestamp: -1), .init(partitionIndex: 0, timestamp: -2)]),
                .init(name: "nope", partitions: [.init(partitionIndex: 0, timestamp: -1)]),
            ])
            let response = try client.request(request, version: 5, as: ListOffsetsResponse.self)
            XCTAssertEqual(response.topics.map { $0.partitions.map(\.errorCode) },
                           [[ErrorCode.invalidRequest.rawValue, ErrorCode.invalidRequest.rawValue],
                            [ErrorCode.unknownTopicOrPartition.rawValue]])
        }
        try await broker.stop()
    }
}
