@testable import BrookBroker
import BrookProtocol
import BrookRecords
import Foundation
import NIOCore
import XCTest

/// Each broker-level topic default that Kafka lets operators change at runtime, set with
/// IncrementalAlterConfigs on the broker, must change what the broker *does* with a topic that has
/// no override (not only what DescribeConfigs shows). One row per setting: the row's check fails
/// while the default is in force and passes once the runtime value is.
final class DynamicBrokerConfigEffectTests: XCTestCase {
    /// A running broker, a raw client and a topic without overrides (unless the row gives some).
    struct Fixture {
        let broker: TestBroker
        let client: RawKafkaClient
        let topic: String
        let partition: Partition

        func produce(_ records: ByteBuffer, acks: Int16 = 1) throws -> ProduceResponse.PartitionProduceResponse {
            let request = ProduceRequest(acks: acks, timeoutMs: 5000,
                                         topicData: [.init(name: topic, partitionData: [.init(index: 0, records: records)])])
            let response = try client.request(request, version: 9, as: ProduceResponse.self)
            return try XCTUnwrap(response.responses.first?.partitionResponses.first)
        }
    }

    struct Row: Sendable {
        let name: String
        let value: String
        var topicConfigs: [String: String] = [:]
        /// Asserts the setting's effect (XCTAssert failures name the row).
        let check: @Sendable (Fixture, String) async throws -> Void
    }

    static func batch(_ values: [String], key: String? = "k", timestamp: Int64 = Broker.wallClockMillis(),
                      codec: CompressionCodec = .none) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(codec: codec)
        for v in values { builder.append(key: key.map { ByteBuffer(string: $0) }, value: ByteBuffer(string: v), timestamp: timestamp) }
        return try builder.build()
    }

    static let hourMs: Int64 = 3_600_000

    static let rows: [Row] = [
        Row(name: "message.max.bytes", value: "1000") { f, row in
            let response = try f.produce(batch([String(repeating: "x", count: 2000)]))
            XCTAssertEqual(response.errorCode, ErrorCode.messageTooLarge.rawValue, row)
        },
        Row(name: "log.message.timestamp.type", value: "LogAppendTime") { f, row in
            let response = try f.produce(batch(["v"], timestamp: 1_000))
            XCTAssertEqual(response.errorCode, 0, row)
            XCTAssertGreaterThan(response.logAppendTimeMs, 1_000, row)
        },
        Row(name: "log.message.timestamp.before.max.ms", value: "\(hourMs)") { f, row in
            let response = try f.produce(batch(["old"], timestamp: Broker.wallClockMillis() - 2 * hourMs))
            XCTAssertEqual(response.errorCode, ErrorCode.invalidTimestamp.rawValue, row)
            XCTAssertEqual(response.recordErrors.map(\.batchIndex), [0], row)
        },
        Row(name: "log.message.timestamp.after.max.ms", value: "\(hourMs)") { f, row in
            let response = try f.produce(batch(["future"], timestamp: Broker.wallClockMillis() + 2 * hourMs))
            XCTAssertEqual(response.errorCode, ErrorCode.invalidTimestamp.rawValue, row)
        },
        Row(name: "log.message.timestamp.difference.max.ms", value: "\(hourMs)") { f, row in
            let response = try f.produce(batch(["old"], timestamp: Broker.wallClockMillis() - 2 * hourMs))
            XCTAssertEqual(response.errorCode, ErrorCode.invalidTimestamp.rawValue, row)
        },
        Row(name: "log.cleanup.policy", value: "compact") { f, row in
            let response = try f.produce(batch(["no key"], key: nil))
            XCTAssertEqual(response.errorCode, ErrorCode.invalidRecord.rawValue, row)
        },
        Row(name: "compression.type", value: "gzip") { f, row in
            XCTAssertEqual(try f.produce(batch(["a", "b"])).errorCode, 0, row)
            let log = "\(f.broker.dataDir)/\(f.topic)-0/00000000000000000000.log"
            let stored = try XCTUnwrap(RecordBatchHeader(peekingAt: ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: log)))))
            XCTAssertEqual(stored.compression, .gzip, row)
        },
        Row(name: "min.insync.replicas", value: "2") { f, row in
            let response = try f.produce(batch(["v"]), acks: -1)
            XCTAssertEqual(response.errorCode, ErrorCode.notEnoughReplicas.rawValue, row)
        },
        Row(name: "log.segment.bytes", value: "200") { f, row in
            for _ in 0..<3 { XCTAssertEqual(try f.produce(batch([String(repeating: "x", count: 100)])).errorCode, 0, row) }
            let partition = f.partition
            let segments = try await partition.eventLoop.submit { partition.log.segmentCount }.get()
            XCTAssertGreaterThan(segments, 1, row)
        },
        Row(name: "log.roll.ms", value: "1000") { f, row in
            let start = Broker.wallClockMillis()
            for delay: Int64 in [0, 5_000] { XCTAssertEqual(try f.produce(batch(["v"], timestamp: start + delay)).errorCode, 0, row) }
            let partition = f.partition
            let segments = try await partition.eventLoop.submit { partition.log.segmentCount }.get()
            XCTAssertEqual(segments, 2, row)
        },
        // acks=1 waits for no fsync; flush.messages=1 starts one after the append. There is no event
        // to await here, so the recovery point is polled within a deadline.
        Row(name: "log.flush.interval.messages", value: "1") { f, row in
            XCTAssertEqual(try f.produce(batch(["v"])).errorCode, 0, row)
            let partition = f.partition
            let deadline = ContinuousClock.now + .seconds(10)
            var recovered: Int64 = 0
            while recovered < 1 && ContinuousClock.now < deadline {
                recovered = try await partition.eventLoop.submit { partition.log.recoveryPoint }.get()
                if recovered < 1 { try await Task.sleep(for: .milliseconds(10)) }
            }
            XCTAssertEqual(recovered, 1, row)
        },
        // Sealed segments (small segment.bytes on the topic) of records a minute old: only a
        // shorter retention than the default week deletes them.
        Row(name: "log.retention.ms", value: "1000", topicConfigs: ["segment.bytes": "200"]) { f, row in
            for _ in 0..<3 {
                _ = try f.produce(batch([String(repeating: "x", count: 100)], timestamp: Broker.wallClockMillis() - 60_000))
            }
            let deleted = try await f.broker.broker.retention.runOnce(on: f.partition.eventLoop).get()
            XCTAssertGreaterThan(deleted, 0, row)
        },
        Row(name: "log.retention.bytes", value: "200", topicConfigs: ["segment.bytes": "200"]) { f, row in
            for _ in 0..<3 { _ = try f.produce(batch([String(repeating: "x", count: 100)])) }
            let deleted = try await f.broker.broker.retention.runOnce(on: f.partition.eventLoop).get()
            XCTAssertGreaterThan(deleted, 0, row)
        },
    ]

    private func alterBroker(_ client: RawKafkaClient, _ name: String, _ value: String) throws -> Int16 {
        let request = IncrementalAlterConfigsRequest(resources: [.init(resourceType: 4, resourceName: "", configs: [
            .init(name: name, configOperation: 0, value: value),
        ])], validateOnly: false)
        let response = try client.request(request, version: 1, as: IncrementalAlterConfigsResponse.self)
        return try XCTUnwrap(response.responses.first).errorCode
    }

    func testEveryDynamicBrokerTopicDefaultTakesEffect() async throws {
        for (n, row) in Self.rows.enumerated() {
            let broker = try await TestBroker()
            defer { broker.removeData() }
            let topic = "effect-\(n)"
            let created = try await unwrapped(broker.broker.topics.createTopic(
                name: topic, partitions: 1, replicationFactor: 1, configs: row.topicConfigs, validateOnly: false))
            let client = try RawKafkaClient(port: broker.port)
            XCTAssertEqual(try alterBroker(client, row.name, row.value), 0, "setting \(row.name)")
            let fixture = Fixture(broker: broker, client: client, topic: topic, partition: try XCTUnwrap(created.partition(0)))
            try await row.check(fixture, "broker setting \(row.name)=\(row.value)")
            try await broker.stop()
        }
    }
}
