import BrookClient
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

final class ProducerIntegrationTests: XCTestCase {
    func testSendReturnsOffsetsAndKeysFollowMurmur2() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "3"])
        defer { server.stop() }
        let topic = uniqueTopic()
        let producer = try KafkaProducer(config: ProducerConfig(client: .testing(server)))
        var perPartition: [Int32: [Int64]] = [:]
        for index in 0..<30 {
            let key = "key-\(index)"
            let metadata = try await producer.send(ProducerRecord(
                topic: topic, key: key, value: "value-\(index)", headers: [KafkaHeader(key: "i", value: ByteBuffer(string: "\(index)"))]))
            XCTAssertEqual(metadata.partition, Murmur2.partition(forKey: Array(key.utf8), partitionCount: 3))
            perPartition[metadata.partition, default: []].append(metadata.offset)
        }
        for (_, offsets) in perPartition {
            XCTAssertEqual(offsets, Array(0..<Int64(offsets.count)), "sequential send: consecutive offsets")
        }
        await producer.close()

        let cluster = KafkaCluster(config: .testing(server))
        var total = 0
        for partition in Int32(0)..<3 {
            let records = try await rawFetchAll(cluster, TopicPartition(topic, partition))
            total += records.count
            for record in records {
                let index = Int(record.key!.dropFirst(4))!
                XCTAssertEqual(record.value, "value-\(index)")
                XCTAssertEqual(record.headers, ["i": "\(index)"])
                XCTAssertEqual(Murmur2.partition(forKey: Array(record.key!.utf8), partitionCount: 3), partition)
            }
        }
        XCTAssertEqual(total, 30)
        await cluster.close()
    }

    func testEnqueueWithEveryCodecReportsDeliveryAndReadsBack() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let cluster = KafkaCluster(config: .testing(server))
        for codec in CompressionCodec.allCases {
            let topic = uniqueTopic("codec\(codec.name)")
            var config = ProducerConfig(client: .testing(server))
            config.compression = codec
            config.linger = .milliseconds(20)
            let producer = try KafkaProducer(config: config)
            let count = 500
            let reports = Task {
                var results: [DeliveryReport] = []
                for await report in producer.deliveryReports {
                    results.append(report)
                    if results.count == count { break }
                }
                return results
            }
            for index in 0..<count {
                try await producer.enqueue(ProducerRecord(topic: topic, key: nil, value: "\(codec.name) record \(index) " + String(repeating: "x", count: 50)))
            }
            await producer.flush()
            let delivered = await reports.value
            XCTAssertEqual(delivered.count, count)
            XCTAssertTrue(delivered.allSatisfy { (try? $0.result.get()) != nil }, "\(codec): \(delivered.compactMap { try? $0.result.get() }.count) ok")
            XCTAssertEqual(Set(delivered.compactMap { try? $0.result.get().offset }), Set(0..<Int64(count)))
            await producer.close()

            let records = try await rawFetchAll(cluster, TopicPartition(topic, 0))
            XCTAssertEqual(records.count, count)
            XCTAssertEqual(records.map(\.offset), Array(0..<Int64(count)))
            XCTAssertTrue(records.allSatisfy { $0.codec == codec }, "batches carry \(codec)")
            XCTAssertEqual(records.first?.value, "\(codec.name) record 0 " + String(repeating: "x", count: 50))
        }
        await cluster.close()
    }

    func testAcksZeroAndAcksOne() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let topic = uniqueTopic()
        for acks in [Acks.none, .leader] {
            var config = ProducerConfig(client: .testing(server))
            config.acks = acks
            let producer = try KafkaProducer(config: config)
            let metadata = try await producer.send(ProducerRecord(topic: topic, value: "a\(acks.rawValue)"))
            XCTAssertEqual(metadata.offset >= 0, acks == .leader)
            await producer.close()
        }
        let cluster = KafkaCluster(config: .testing(server))
        let records = try await rawFetchAll(cluster, TopicPartition(topic, 0))
        XCTAssertEqual(records.map(\.value), ["a0", "a1"])
        await cluster.close()
    }

    func testBackPressureWithATinyBuffer() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let topic = uniqueTopic()
        var config = ProducerConfig(client: .testing(server))
        config.bufferMemory = 4096
        config.batchSize = 1024
        let producer = try KafkaProducer(config: config)
        let drain = Task { var n = 0; for await _ in producer.deliveryReports { n += 1 }; return n }
        for index in 0..<2000 {
            try await producer.enqueue(ProducerRecord(topic: topic, value: String(repeating: "\(index % 10)", count: 100)))
        }
        await producer.close()
        let reported = await drain.value
        XCTAssertEqual(reported, 2000)
        let cluster = KafkaCluster(config: .testing(server))
        let count = try await rawFetchAll(cluster, TopicPartition(topic, 0)).count
        XCTAssertEqual(count, 2000)
        await cluster.close()
    }

    func testSendToAMissingPartitionFailsClearly() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let producer = try KafkaProducer(config: ProducerConfig(client: .testing(server)))
        do {
            _ = try await producer.send(ProducerRecord(topic: uniqueTopic(), partition: 5, value: "x"))
            XCTFail("expected an error")
        } catch let error as KafkaClientError {
            XCTAssertTrue("\(error)".contains("partition 5"), "\(error)")
        }
        await producer.close()
    }
}
