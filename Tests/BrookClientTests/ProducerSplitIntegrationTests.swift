import BrookClient
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// MESSAGE_TOO_LARGE against a real broker: a topic whose `max.message.bytes` is below the
/// producer's batch size.
final class ProducerSplitIntegrationTests: XCTestCase {
    private static let limit = 2_000

    private func makeTopic(_ server: BrookServerProcess) async throws -> String {
        let topic = uniqueTopic()
        let admin = KafkaAdmin(config: .testing(server))
        let created = try await admin.createTopics([
            NewTopic(name: topic, partitions: 1, replicationFactor: 1, configs: ["max.message.bytes": "\(Self.limit)"])
        ])
        try created[topic]?.get()
        await admin.close()
        return topic
    }

    /// Enqueues `values` into one batch (long linger), flushes, and returns the reports by value.
    private func produce(_ server: BrookServerProcess, topic: String, values: [String],
                         idempotent: Bool = true, codec: CompressionCodec = .none) async throws -> [String: DeliveryReport] {
        var config = ProducerConfig(client: .testing(server))
        config.linger = .seconds(5)
        config.enableIdempotence = idempotent
        config.compression = codec
        let producer = try KafkaProducer(config: config)
        let reports = Task {
            var byValue: [String: DeliveryReport] = [:]
            var index = 0
            for await report in producer.deliveryReports {
                byValue[values[index]] = report  // one partition, one batch: reports come in order
                index += 1
                if index == values.count { break }
            }
            return byValue
        }
        for value in values { try await producer.enqueue(ProducerRecord(topic: topic, key: nil, value: value)) }
        await producer.flush()
        let result = await reports.value
        await producer.close()
        return result
    }

    /// Values that do not compress: a batch's size on the wire stays what it is uncompressed.
    private func noise(_ index: Int, bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return "\(index):" + String((0..<bytes).map { _ in letters.randomElement(using: &generator)! })
    }

    func testBatchLargerThanTheTopicLimitIsSplitAndKeepsOrder() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let cluster = KafkaCluster(config: .testing(server))
        for (idempotent, codec) in [(true, CompressionCodec.none), (false, .none), (true, .lz4)] {
            let topic = try await makeTopic(server)
            let values = (0..<60).map { noise($0, bytes: 150) }  // ~10 KB in one batch, 5x the limit
            let reports = try await produce(server, topic: topic, values: values, idempotent: idempotent, codec: codec)
            XCTAssertEqual(reports.count, values.count)
            for (index, value) in values.enumerated() {
                XCTAssertEqual(try reports[value]?.result.get().offset, Int64(index), "idempotent=\(idempotent) \(codec.name)")
            }
            let stored = try await rawFetchAll(cluster, TopicPartition(topic, 0))
            XCTAssertEqual(stored.map(\.value), values, "every record once, in order")
        }
        await cluster.close()
    }

    func testOneRecordAboveTheLimitFailsNamingSizesAndTheRestIsWritten() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let topic = try await makeTopic(server)
        // The big record sits between small ones of the same batch and partition: the split isolates
        // it, it fails, and the records numbered after it still go through (idempotent sequences).
        var values = (0..<10).map { noise($0, bytes: 100) }
        values.insert(noise(99, bytes: 3_000), at: 5)
        let reports = try await produce(server, topic: topic, values: values)
        let big = values[5]
        guard case .failure(let error) = reports[big]?.result else {
            return XCTFail("the oversized record was delivered: \(String(describing: reports[big]))")
        }
        XCTAssertEqual(error.errorCode, .messageTooLarge)
        XCTAssertTrue("\(error)".contains("max.message.bytes \(Self.limit)"), "\(error)")
        XCTAssertTrue("\(error)".contains("one record is 3"), "names the batch size: \(error)")
        let small = values.filter { $0 != big }
        for (index, value) in small.enumerated() {
            XCTAssertEqual(try reports[value]?.result.get().offset, Int64(index))
        }

        // A producer the broker knows (its first record is written) sends an oversized record: the
        // next one must take the refused record's sequence, or it is refused as out of order.
        var config = ProducerConfig(client: .testing(server))
        config.deliveryTimeout = .seconds(10)
        let producer = try KafkaProducer(config: config)
        let before = try await producer.send(ProducerRecord(topic: topic, key: nil, value: "before"))
        XCTAssertEqual(before.offset, Int64(small.count))
        do {
            _ = try await producer.send(ProducerRecord(topic: topic, key: nil, value: noise(100, bytes: 3_000)))
            XCTFail("oversized send succeeded")
        } catch let error as KafkaClientError {
            XCTAssertEqual(error.errorCode, .messageTooLarge, "\(error)")
        }
        let after = try await producer.send(ProducerRecord(topic: topic, key: nil, value: "after"))
        XCTAssertEqual(after.offset, Int64(small.count) + 1)
        await producer.close()

        let cluster = KafkaCluster(config: .testing(server))
        let stored = try await rawFetchAll(cluster, TopicPartition(topic, 0))
        XCTAssertEqual(stored.map(\.value), small + ["before", "after"])
        await cluster.close()
    }
}
