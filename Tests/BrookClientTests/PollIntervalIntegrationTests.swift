import BrookClient
import BrookProtocol
import NIOCore
import XCTest

/// `max.poll.interval.ms` against a real broker.
final class PollIntervalIntegrationTests: XCTestCase {
    func testAConsumerThatStopsPollingLeavesTheGroupAndRejoinsOnTheNextPoll() async throws {
        let server = try BrookServerProcess(settings: ["num.partitions": "2"])
        defer { server.stop() }
        let topic = uniqueTopic()
        try await produceRecords(server, topic: topic, count: 10)
        let group = "stalled-\(topic)"
        var config = ConsumerConfig(client: .testing(server), groupId: group)
        config.autoOffsetReset = .earliest
        config.fetchMaxWait = .milliseconds(100)
        config.heartbeatInterval = .milliseconds(100)
        config.autoCommitInterval = .seconds(600)  // nothing committed unless the leave itself commits
        config.maxPollInterval = .seconds(1)
        let consumer = try KafkaConsumer(config: config)
        try await consumer.subscribe([topic])

        func pollAll() async throws -> [ConsumerRecord] {
            var records: [ConsumerRecord] = []
            let deadline = ContinuousClock.now + .seconds(20)
            while records.count < 10, ContinuousClock.now < deadline {
                records += try await consumer.poll(timeout: .milliseconds(200))
            }
            return records
        }
        let before = try await pollAll()
        XCTAssertEqual(before.count, 10)
        let firstGeneration = await consumer.groupGeneration
        let first = try XCTUnwrap(firstGeneration)

        // The application stalls: the member must leave (the session alone would keep it 45 s).
        let admin = KafkaAdmin(config: .testing(server))
        let deadline = ContinuousClock.now + .seconds(15)
        var members = -1
        while ContinuousClock.now < deadline {
            members = try await admin.describeGroups([group])[group]?.get().members.count ?? -1
            if members == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(members, 0, "the stalled member left the group")
        let afterLeaving = await consumer.groupGeneration
        XCTAssertNil(afterLeaving)
        let assignment = await consumer.assignment
        XCTAssertEqual(assignment, [])

        // The next poll joins again as a new member; the lost progress was not committed.
        let again = try await pollAll()
        XCTAssertEqual(again.count, 10, "records read before the stall come again")
        let secondGeneration = await consumer.groupGeneration
        let second = try XCTUnwrap(secondGeneration)
        XCTAssertNotEqual(second.memberId, first.memberId)
        let rejoined = try await admin.describeGroups([group])[group]?.get().members.map(\.memberId)
        XCTAssertEqual(rejoined, [second.memberId])
        await consumer.close()
        await admin.close()
    }
}
