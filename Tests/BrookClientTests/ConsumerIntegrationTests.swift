import BrookClient
import BrookProtocol
import NIOCore
import XCTest

final class ConsumerIntegrationTests: XCTestCase {
    private func produce(_ server: BrookServerProcess, topic: String, count: Int, prefix: String = "v", timestamp: Int64? = nil) async throws {
        try await produceRecords(server, topic: topic, count: count, prefix: prefix, timestamp: timestamp)
    }

    private func consumer(_ server: BrookServerProcess, reset: AutoOffsetReset = .earliest) throws -> KafkaConsumer {
        var config = ConsumerConfig(client: .testing(server))
        config.autoOffsetReset = reset
        config.fetchMaxWait = .milliseconds(100)
        return try KafkaConsumer(config: config)
    }

    private func pollUntil(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(15)) async throws -> [ConsumerRecord] {
        var records: [ConsumerRecord] = []
        let deadline = ContinuousClock.now + timeout
        while records.count < count, ContinuousClock.now < deadline {
            records += try await consumer.poll(timeout: .milliseconds(500))
        }
        return records
    }

    func testAssignReadsEveryPartitionInOrder() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "3"])
        defer { server.stop() }
        let topic = uniqueTopic()
        try await produce(server, topic: topic, count: 90)
        let consumer = try consumer(server)
        try await consumer.assign((0..<3).map { TopicPartition(topic, $0) })
        let records = try await pollUntil(consumer, count: 90)
        XCTAssertEqual(records.count, 90)
        for partition in Int32(0)..<3 {
            let offsets = records.filter { $0.partition == partition }.map(\.offset)
            XCTAssertEqual(offsets, Array(0..<Int64(offsets.count)), "partition \(partition) in order")
        }
        XCTAssertEqual(Set(records.map { String(buffer: $0.value!) }), Set((0..<90).map { "v\($0)" }))
        for record in records {
            let key = Array(String(buffer: record.key!).utf8)
            XCTAssertEqual(Murmur2.partition(forKey: key, partitionCount: 3), record.partition)
        }
        let atEnd = await consumer.reachedEndOfAllPartitions
        XCTAssertTrue(atEnd)
        await consumer.close()
    }

    func testLatestSkipsOldRecordsAndLongPollDeliversNewOnes() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let topic = uniqueTopic()
        try await produce(server, topic: topic, count: 5, prefix: "old")
        let consumer = try consumer(server, reset: .latest)
        let partition = TopicPartition(topic, 0)
        try await consumer.assign([partition])
        let position = try await consumer.position(partition)
        XCTAssertEqual(position, 5)
        let late = Task {
            try await Task.sleep(for: .milliseconds(300))
            try await produceRecords(server, topic: topic, count: 2, prefix: "new")
        }
        let records = try await pollUntil(consumer, count: 2)
        try await late.value
        XCTAssertEqual(records.map { String(buffer: $0.value!) }, ["new0", "new1"])
        XCTAssertEqual(records.map(\.offset), [5, 6])
        await consumer.close()
    }

    func testSeekPauseResumeAndTimestamps() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let topic = uniqueTopic()
        try await produce(server, topic: topic, count: 5, prefix: "a", timestamp: 1_000)
        try await produce(server, topic: topic, count: 5, prefix: "b", timestamp: 2_000)
        let consumer = try consumer(server)
        let partition = TopicPartition(topic, 0)
        try await consumer.assign([partition])

        try await consumer.seek(partition, to: 7)
        var records = try await pollUntil(consumer, count: 3)
        XCTAssertEqual(records.map(\.offset), [7, 8, 9])

        try await consumer.seek([partition], to: .timestamp(1_500))
        records = try await pollUntil(consumer, count: 5)
        XCTAssertEqual(records.first?.offset, 5)
        XCTAssertEqual(records.first?.timestamp, 2_000)

        try await consumer.seek([partition], to: .earliest)
        try await consumer.pause([partition])
        let whilePaused = try await consumer.poll(timeout: .milliseconds(200))
        XCTAssertTrue(whilePaused.isEmpty)
        await consumer.resume([partition])
        records = try await pollUntil(consumer, count: 10)
        XCTAssertEqual(records.map(\.offset), Array(0..<10))

        let ends = try await consumer.listOffsets([partition: .latest, ])
        XCTAssertEqual(ends[partition], 10)
        let late = try await consumer.listOffsets([partition: .timestamp(9_999)])
        XCTAssertEqual(late[partition], 10, "a time after the last record resolves to the end")
        await consumer.close()
    }

    func testResetNoneFailsWithoutAPosition() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let topic = uniqueTopic()
        try await produce(server, topic: topic, count: 1)
        let consumer = try consumer(server, reset: .none)
        try await consumer.assign([TopicPartition(topic, 0)])
        do {
            _ = try await consumer.poll(timeout: .milliseconds(200))
            XCTFail("expected an error")
        } catch let error as KafkaClientError {
            XCTAssertEqual(error.errorCode, .offsetOutOfRange)
        }
        await consumer.close()
    }

    func testRecordsSequenceAndOutOfRangeReset() async throws {
        let server = try BrookServerProcess()
        defer { server.stop() }
        let topic = uniqueTopic()
        try await produce(server, topic: topic, count: 20)
        let consumer = try consumer(server)
        let partition = TopicPartition(topic, 0)
        try await consumer.assign([partition])
        try await consumer.seek(partition, to: 1_000)  // past the end: reset to earliest
        var seen: [Int64] = []
        for try await record in consumer.records {
            seen.append(record.offset)
            if seen.count == 20 { break }
        }
        XCTAssertEqual(seen, Array(0..<20))
        await consumer.close()
    }

    func testTwoGroupMembersSplitThePartitions() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "4"])
        defer { server.stop() }
        let probe = KafkaCluster(config: .testing(server))
        let supportsGroups = try await probe.anyConnection().apiVersions.supports(.joinGroup)
        await probe.close()
        guard supportsGroups else { throw XCTSkip("this broker does not implement consumer groups yet") }

        let topic = uniqueTopic()
        try await produce(server, topic: topic, count: 40)
        func member() throws -> KafkaConsumer {
            var config = ConsumerConfig(client: .testing(server), groupId: "split-\(topic)")
            config.autoOffsetReset = .earliest
            config.heartbeatInterval = .milliseconds(200)
            config.fetchMaxWait = .milliseconds(100)
            return try KafkaConsumer(config: config)
        }
        let first = try member()
        let second = try member()
        try await first.subscribe([topic])
        try await second.subscribe([topic])
        let counts = try await withThrowingTaskGroup(of: [ConsumerRecord].self) { group in
            for consumer in [first, second] {
                group.addTask {
                    var records: [ConsumerRecord] = []
                    let deadline = ContinuousClock.now + .seconds(30)
                    while ContinuousClock.now < deadline {
                        records += try await consumer.poll(timeout: .milliseconds(200))
                        let assigned = await consumer.assignment
                        if assigned.count == 2, await consumer.reachedEndOfAllPartitions { break }
                    }
                    return records
                }
            }
            var all: [[ConsumerRecord]] = []
            for try await records in group { all.append(records) }
            return all
        }
        let firstAssignment = await first.assignment
        let secondAssignment = await second.assignment
        XCTAssertEqual(firstAssignment.count, 2)
        XCTAssertEqual(Set(firstAssignment).intersection(secondAssignment), [])
        XCTAssertEqual(Set(firstAssignment + secondAssignment).count, 4)
        XCTAssertEqual(Set(counts.flatMap { $0 }.map { "\($0.partition)/\($0.offset)" }).count, 40, "every record read once the group settled")
        await first.close()
        await second.close()
    }
}
