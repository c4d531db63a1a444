import BrookClient
import NIOCore
import XCTest

/// The code of docs/client-getting-started.md, run against a real broker so the article stays true.
final class GettingStartedTests: XCTestCase {
    func testTheArticlesExamplesWork() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let client = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: server.port)])

        let admin = KafkaAdmin(config: client)
        let created = try await admin.createTopics([NewTopic(name: "orders", partitions: 6, replicationFactor: 1)])
        try created["orders"]?.get()
        let names = try await admin.listTopics().map(\.name)
        XCTAssertEqual(names, ["orders"])
        await admin.close()

        let producer = try KafkaProducer(config: ProducerConfig(client: client))
        let written = try await producer.send(ProducerRecord(topic: "orders", key: "customer-7", value: "{\"total\": 12}"))
        XCTAssertEqual(written.partition, Murmur2.partition(forKey: Array("customer-7".utf8), partitionCount: 6))

        let reports = Task {
            var failures = 0
            var count = 0
            for await report in producer.deliveryReports {
                count += 1
                if case .failure = report.result { failures += 1 }
            }
            return (count, failures)
        }
        for line in ["a", "b", "c"] {
            try await producer.enqueue(ProducerRecord(topic: "logs", value: line))
        }
        await producer.close()
        let (count, failures) = await reports.value
        XCTAssertEqual(count, 3)
        XCTAssertEqual(failures, 0)

        var settings = ConsumerConfig(client: client)
        settings.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(config: settings)
        try await consumer.assign([TopicPartition("orders", written.partition)])
        for try await record in consumer.records {
            XCTAssertEqual(record.offset, written.offset)
            XCTAssertEqual(record.key.map { String(buffer: $0) }, "customer-7")
            XCTAssertEqual(String(buffer: record.value!), "{\"total\": 12}")
            break
        }
        await consumer.close()

        var tuned = ProducerConfig(client: client)
        XCTAssertEqual(try tuned.apply(["linger.ms": "10", "compression.type": "zstd", "acks": "all"]), [:])
        XCTAssertEqual(tuned.compression, .zstd)
    }

    func testTheTransactionsExampleWorks() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let client = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: server.port)])
        try await produceRecords(server, topic: "orders", count: 1)

        var settings = ProducerConfig(client: client)
        settings.transactionalId = "billing-1"
        let producer = try KafkaProducer(config: settings)
        try await producer.initTransactions()

        try producer.beginTransaction()
        do {
            _ = try await producer.send(ProducerRecord(topic: "invoices", key: "customer-7", value: "{\"total\": 12}"))
            try await producer.sendOffsetsToTransaction([TopicPartition("orders", 0): 42], groupId: "billing")
            try await producer.commitTransaction()
        } catch {
            try await producer.abortTransaction()
            XCTFail("\(error)")
        }
        await producer.close()

        // The offsets show once the coordinator has written the commit markers, just after EndTxn.
        let admin = KafkaAdmin(config: client)
        let deadline = ContinuousClock.now + .seconds(10)
        var committed: Int64?
        while committed == nil, ContinuousClock.now < deadline {
            committed = try await admin.listGroupOffsets("billing")[TopicPartition("orders", 0)]
            if committed == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        XCTAssertEqual(committed, 42)
        await admin.close()
    }
}
