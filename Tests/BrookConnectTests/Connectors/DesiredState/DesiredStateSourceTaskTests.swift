import BrookClient
@testable import BrookConnect
import Foundation
import NIOCore
import XCTest

/// DesiredStateSourceTask: when passes run (DesiredStatePassTrigger), config failures, and a real
/// run against a brook broker where an edited CSV file becomes exactly its changes.
final class DesiredStateSourceTaskTests: XCTestCase {
    func testPassesRunFirstOnChangesAndOnTheInterval() {
        var trigger = DesiredStatePassTrigger(interval: .seconds(60))
        let start = ContinuousClock.now
        XCTAssertEqual(trigger.decide(now: start), .full, "the first pass reads everything")
        trigger.passed(.full, startedAt: start)
        XCTAssertEqual(trigger.decide(now: start + .seconds(5)), .wait(.seconds(1)))
        XCTAssertEqual(trigger.decide(now: start + .milliseconds(59_500)), .wait(.milliseconds(500)))
        trigger.filesChanged(["a.csv"])
        trigger.filesChanged(["b.csv"])
        XCTAssertEqual(trigger.decide(now: start + .seconds(6)), .changed(["a.csv", "b.csv"]))
        trigger.passed(.changed(["a.csv"]), startedAt: start + .seconds(6))
        XCTAssertEqual(trigger.decide(now: start + .seconds(7)), .changed(["b.csv"]), "reported during the pass: still pending")
        trigger.passed(.changed(["b.csv"]), startedAt: start + .seconds(7))
        XCTAssertEqual(trigger.decide(now: start + .seconds(60)), .full, "the interval's full pass")
        trigger.passed(.full, startedAt: start + .seconds(60))
        trigger.filesChanged(["c.csv"])
        trigger.passFailed()
        XCTAssertEqual(trigger.decide(now: start + .seconds(61)), .full, "after a failure everything is read again")
    }

    func testABadConfigFailsTheStart() async throws {
        let task = DesiredStateSourceTask()
        do {
            try await task.start(config: ["name": "ds", "input": "csv", "path": "x/*.csv", "topic": "t"], context: FakeSourceTaskContext())
            XCTFail("no error")
        } catch {
            XCTAssertEqual("\(error)", "Invalid value for configuration key.columns: input=csv needs at least one key column")
        }
        do {
            try await task.start(config: ["name": "ds", "input": "csv", "path": "x/*.csv", "topic": "t", "key.columns": "id",
                                          "poll.interval.ms": "0"], context: FakeSourceTaskContext())
            XCTFail("no error")
        } catch {
            XCTAssertEqual("\(error)", "Invalid value 0 for configuration poll.interval.ms: Value must be at least 1")
        }
        let validation = ConnectorPlugins.desiredStateSource.validate(["name": "ds", "connector.class": "DesiredStateSource", "input": "csv",
                                                                       "path": "x/*.csv", "topic": "t", "key.columns": "id"])
        XCTAssertEqual(validation.errorCount, 0)
        XCTAssertEqual(validation.entries.first { $0.key.name == "poll.interval.ms" }?.key.defaultValue, "60000")
        XCTAssertNotNil(ConnectorPlugins.desiredStateSource.tasks)
    }

    #if canImport(Glibc)
    func testAnEditedCSVFileBecomesExactlyItsChanges() async throws {
        let broker = try await DesiredStateBrokerProcess()
        defer { broker.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ds-task-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("people.csv")
        try Data("id,name\n1,ann\n2,bob\n".utf8).write(to: csv)

        let task = DesiredStateSourceTask()
        try await task.start(config: ["name": "people-ds", "connector.class": "DesiredStateSource", "input": "csv",
                                      "path": directory.path + "/*.csv", "key.columns": "id", "topic": "people"],
                             context: FakeSourceTaskContext(client: broker.client))
        let polling = Task {
            while !Task.isCancelled { _ = try await task.poll() }
        }
        defer { polling.cancel() }

        let first = try await readTopic(broker, until: 2)
        XCTAssertEqual(first.map(\.key), ["1", "2"])

        // Bob renamed, Ann deleted: the watcher starts a pass over the file long before the
        // 60 s interval, and it emits one upsert and one tombstone.
        try Data("id,name\n2,bobby\n".utf8).write(to: csv)
        let all = try await readTopic(broker, until: 4)
        XCTAssertEqual(all.count, 4)
        XCTAssertEqual(Set(all.dropFirst(2).map(\.key)), ["1", "2"])
        XCTAssertNil(all.dropFirst(2).first { $0.key == "1" }?.value, "a tombstone for the deleted row")
        XCTAssertTrue(all.dropFirst(2).first { $0.key == "2" }?.value?.contains("bobby") == true)

        polling.cancel()
        await task.stop()
        _ = try? await polling.value
    }

    /// The committed records of the target topic once there are at least `count`.
    private func readTopic(_ broker: DesiredStateBrokerProcess, until count: Int) async throws -> [(key: String, value: String?)] {
        let cluster = KafkaCluster(config: broker.client)
        var config = ConsumerConfig(client: broker.client, groupId: nil)
        config.enableAutoCommit = false
        config.isolationLevel = .readCommitted
        config.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(config: config, cluster: cluster)
        let partition = TopicPartition("people", 0)
        var out: [(key: String, value: String?)] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while out.count < count, ContinuousClock.now < deadline {
            let end = (try? await KafkaAdmin(cluster: cluster).listOffsets([partition: .latest], isolation: .readCommitted)[partition]) ?? 0
            if end >= Int64(count) {
                try await consumer.assign([partition])
                try await consumer.seek(partition, to: 0)
                while out.count < count, ContinuousClock.now < deadline {
                    for record in try await consumer.poll(timeout: .milliseconds(200)) {
                        out.append((record.key.map { String(buffer: $0) } ?? "", record.value.map { String(buffer: $0) }))
                    }
                }
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        await consumer.close()
        await cluster.close()
        return out
    }
    #endif
}
