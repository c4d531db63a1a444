import BrookClient
import BrookProtocol
import NIOCore
import XCTest

/// The transactional producer against a real broker.
final class TransactionIntegrationTests: XCTestCase {
    private func producer(_ server: BrookServerProcess, id: String) throws -> KafkaProducer {
        var config = ProducerConfig(client: .testing(server))
        config.transactionalId = id
        config.linger = .milliseconds(1)
        return try KafkaProducer(config: config)
    }

    /// The values of `partition` once at least `expected` arrived and the end was reached (the last
    /// stable offset moves once the coordinator's markers are written, shortly after EndTxn).
    private func readAll(_ server: BrookServerProcess, _ partition: TopicPartition, isolation: IsolationLevel,
                         expected: Int) async throws -> [String] {
        var config = ConsumerConfig(client: .testing(server))
        config.isolationLevel = isolation
        config.autoOffsetReset = .earliest
        config.fetchMaxWait = .milliseconds(100)
        let consumer = try KafkaConsumer(config: config)
        try await consumer.assign([partition])
        var values: [String] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            values += try await consumer.poll(timeout: .milliseconds(200)).map { String(buffer: $0.value!) }
            if values.count >= expected, await consumer.reachedEndOfAllPartitions { break }
        }
        await consumer.close()
        return values
    }

    func testCommittedRecordsAreReadCommittedAndAbortedOnesAreNot() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "1"])
        defer { server.stop() }
        let topic = uniqueTopic()
        let producer = try producer(server, id: "tx-\(topic)")
        try await producer.initTransactions()

        try producer.beginTransaction()
        for value in ["c0", "c1", "c2"] { _ = try await producer.send(ProducerRecord(topic: topic, key: nil, value: value)) }
        try await producer.commitTransaction()

        try producer.beginTransaction()
        for value in ["a0", "a1"] { try await producer.enqueue(ProducerRecord(topic: topic, key: nil, value: value)) }
        await producer.flush()
        try await producer.abortTransaction()

        try producer.beginTransaction()
        try await producer.enqueue(ProducerRecord(topic: topic, key: nil, value: "c3"))
        try await producer.commitTransaction()
        await producer.close()

        let partition = TopicPartition(topic, 0)
        let committed = try await readAll(server, partition, isolation: .readCommitted, expected: 4)
        XCTAssertEqual(committed, ["c0", "c1", "c2", "c3"])
        let everything = try await readAll(server, partition, isolation: .readUncommitted, expected: 6)
        XCTAssertEqual(everything, ["c0", "c1", "c2", "a0", "a1", "c3"])
    }

    func testOffsetsCountOnlyWhenTheTransactionCommits() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "1"])
        defer { server.stop() }
        let topic = uniqueTopic()
        let group = "txg-\(topic)"
        let input = TopicPartition(topic, 0)  // offsets of a partition that exists (the broker checks)
        let producer = try producer(server, id: "tx-\(topic)")
        try await producer.initTransactions()

        try producer.beginTransaction()
        _ = try await producer.send(ProducerRecord(topic: topic, key: nil, value: "out"))
        try await producer.sendOffsetsToTransaction([input: 42], groupId: group)
        try await producer.commitTransaction()

        try producer.beginTransaction()
        try await producer.sendOffsetsToTransaction([input: 99], groupId: group)
        try await producer.abortTransaction()
        await producer.close()

        let admin = KafkaAdmin(config: .testing(server))
        let offsets = try await admin.listGroupOffsets(group)
        XCTAssertEqual(offsets[input], 42)
        await admin.close()
    }

    func testANewerProducerWithTheSameIdFencesTheOlder() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "1"])
        defer { server.stop() }
        let topic = uniqueTopic()
        let old = try producer(server, id: "tx-\(topic)")
        try await old.initTransactions()
        let new = try producer(server, id: "tx-\(topic)")
        try await new.initTransactions()

        try old.beginTransaction()
        do {
            _ = try await old.send(ProducerRecord(topic: topic, key: nil, value: "zombie"))
            XCTFail("a fenced producer's send succeeded")
        } catch let error as KafkaClientError {
            XCTAssertTrue([.producerFenced, .invalidProducerEpoch].contains(error.errorCode), "\(error)")
        }
        do {
            try await old.commitTransaction()
            XCTFail("a fenced producer committed")
        } catch let error as KafkaClientError {
            XCTAssertTrue([.producerFenced, .invalidProducerEpoch].contains(error.errorCode), "\(error)")
        }
        await old.close()

        try new.beginTransaction()
        _ = try await new.send(ProducerRecord(topic: topic, key: nil, value: "live"))
        try await new.commitTransaction()
        await new.close()
        let committed = try await readAll(server, TopicPartition(topic, 0), isolation: .readCommitted, expected: 1)
        XCTAssertEqual(committed, ["live"])
    }
}
