@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// `log.cleaner.backoff.ms` and `log.cleaner.dedupe.buffer.size` change at runtime, as in Kafka.
final class DynamicCleanerSettingsTests: XCTestCase {
    private struct TimedOut: Error {}

    private func alter(_ client: RawKafkaClient, _ name: String, _ value: String) throws -> (Int16, String?) {
        let request = IncrementalAlterConfigsRequest(resources: [.init(resourceType: 4, resourceName: "", configs: [
            .init(name: name, configOperation: 0, value: value),
        ])], validateOnly: false)
        let response = try client.request(request, version: 1, as: IncrementalAlterConfigsResponse.self)
        let result = try XCTUnwrap(response.responses.first)
        return (result.errorCode, result.errorMessage)
    }

    func testCleanerSettingsAreValidatedDescribedAndApplied() async throws {
        let broker = try await TestBroker { $0.cleanerEnable = false }
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        XCTAssertEqual(try alter(client, "log.cleaner.backoff.ms", "250").0, 0)
        XCTAssertEqual(try alter(client, "log.cleaner.dedupe.buffer.size", "2400").0, 0)
        XCTAssertEqual(broker.broker.cleaner.backoffMs, 250)
        XCTAssertEqual(broker.broker.topics.resolver.cleanerConfig(overrides: [:]).offsetMapSlots, 100)
        let (badCode, badMessage) = try alter(client, "log.cleaner.backoff.ms", "-1")
        XCTAssertEqual(badCode, ErrorCode.invalidConfig.rawValue)
        XCTAssertEqual(badMessage, "Invalid value -1 for configuration log.cleaner.backoff.ms: Value must be at least 0")
        XCTAssertEqual(try alter(client, "log.cleaner.threads", "2").0, ErrorCode.invalidRequest.rawValue)
        XCTAssertEqual(broker.broker.cleaner.backoffMs, 250)

        let describe = DescribeConfigsRequest(resources: [
            .init(resourceType: 4, resourceName: "\(broker.broker.config.nodeId)",
                  configurationKeys: ["log.cleaner.backoff.ms", "log.cleaner.dedupe.buffer.size"]),
        ], includeSynonyms: false)
        let described = try client.request(describe, version: 4, as: DescribeConfigsResponse.self)
        let entries = try XCTUnwrap(described.results.first?.configs)
        XCTAssertEqual(entries.map(\.name), ["log.cleaner.backoff.ms", "log.cleaner.dedupe.buffer.size"])
        XCTAssertEqual(entries.map(\.value), ["250", "2400"])
        XCTAssertEqual(entries.map(\.configSource), [3, 3])  // DYNAMIC_DEFAULT_BROKER_CONFIG
        XCTAssertEqual(entries.map(\.readOnly), [false, false])
        try await broker.stop()
    }

    func testShorterBackoffSetAtRuntimeBringsTheNextPassForward() async throws {
        let broker = try await TestBroker { $0.cleanerBackoffMs = 3_600_000 }
        defer { broker.removeData() }
        let topic = try await unwrapped(broker.broker.topics.createTopic(
            name: "c", partitions: 1, replicationFactor: 1,
            configs: ["cleanup.policy": "compact", "segment.bytes": "300", "min.cleanable.dirty.ratio": "0.01"],
            validateOnly: false))
        let partition = try XCTUnwrap(topic.partition(0))
        for version in 0..<6 {
            var builder = RecordBatchBuilder()
            for key in 0..<4 {
                builder.append(key: ByteBuffer(string: "k\(key)"), value: ByteBuffer(string: "v\(version)"),
                               timestamp: Broker.wallClockMillis())
            }
            _ = try await partition.append([try builder.build()], durable: false, logAppendTime: false).get()
        }
        let loop = partition.eventLoop
        let bounded = loop.makePromise(of: Int.self)
        broker.broker.cleaner.nextScheduledPass(on: loop).cascade(to: bounded)
        let deadline = loop.scheduleTask(in: .seconds(15)) { bounded.fail(TimedOut()) }
        let client = try RawKafkaClient(port: broker.port)
        XCTAssertEqual(try alter(client, "log.cleaner.backoff.ms", "20").0, 0)
        // Without the runtime change the next pass would be an hour away.
        let rewritten = try await bounded.futureResult.get()
        deadline.cancel()
        XCTAssertGreaterThan(rewritten, 0)
        try await broker.stop()
    }
}
