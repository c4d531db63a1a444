import BrookClient
@testable import BrookConnect
import BrookSchemas
import BrookTestSupport
import XCTest

/// The source loop against a real broker: records and offsets land, a restart resumes, dropped
/// records' offsets advance, a stop writes the final offsets, exactly-once polls are atomic.
final class WorkerSourceTaskTests: XCTestCase {
    private var broker: WorkerBrokerFixture?

    override func setUp() async throws {
        let broker = try WorkerBrokerFixture()
        self.broker = broker
        try await broker.waitUntilReady()
    }

    override func tearDown() async throws {
        broker?.stop()
        broker = nil
    }

    private func start(_ name: String, _ config: [String: String], environment: WorkerTaskEnvironment, journal: TaskJournal,
                       statuses: StatusLog) -> Task<Void, Never> {
        var full = config
        full["name"] = name
        let worker = WorkerTask(id: ConnectTaskID(connector: name, task: 0), connectorConfig: full, taskConfig: full,
                                maker: .source { CountingSource(journal: journal) }, environment: environment, report: statuses.reporter)
        return Task { await worker.run() }
    }

    private static func storedN(_ environment: WorkerTaskEnvironment, _ connector: String) async throws -> Int64? {
        try await environment.offsets.offset(connector: connector, partition: CountingSource.partition)?["n"]?.int64Value
    }

    private static func waitForStoredN(_ environment: WorkerTaskEnvironment, _ connector: String, _ n: Int64) async throws {
        try await within(30, "offset n=\(n) of \(connector)") {
            while try await Self.storedN(environment, connector) != n { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    func testRecordsAndOffsetsLandAndARestartedTaskResumesFromTheStoredOffset() async throws {
        let broker = try XCTUnwrap(broker)
        let config = ["topic": "counted", "count": "10", "value.converter": "org.apache.kafka.connect.storage.StringConverter"]
        let first = broker.environment()
        let journal = TaskJournal()
        let statuses = StatusLog()
        let running = start("counter", config, environment: first, journal: journal, statuses: statuses)
        _ = try await statuses.waitFor(.running)
        let records = try await broker.read("counted", atLeast: 10)
        XCTAssertEqual(records.map(\.valueText), (0..<10).map { "v\($0)" })
        // Worker default key converter: JsonConverter with schemas.enable=true; the connector's value.converter overrides.
        XCTAssertEqual(records.first?.keyText, #"{"schema":null,"payload":"k0"}"#)
        try await Self.waitForStoredN(first, "counter", 9)
        running.cancel()
        await running.value
        let stops = await journal.stops
        let commits = await journal.commits
        XCTAssertEqual(stops, 1)
        XCTAssertGreaterThan(commits, 0)

        let second = broker.environment()
        let again = TaskJournal()
        let resumed = start("counter", config.merging(["count": "15"]) { $1 }, environment: second, journal: again, statuses: StatusLog())
        let all = try await broker.read("counted", atLeast: 15)
        try await Self.waitForStoredN(second, "counter", 14)
        resumed.cancel()
        await resumed.value
        XCTAssertEqual(all.map(\.valueText), (0..<15).map { "v\($0)" }, "nothing re-sent, nothing skipped")
        let resumedFrom = await again.resumedFrom
        XCTAssertEqual(resumedFrom, [.object([("n", JSONValue(integer: 9))])])
    }

    func testOffsetsOfFilteredRecordsAdvance() async throws {
        let broker = try XCTUnwrap(broker)
        let environment = broker.environment()
        let config = ["topic": "filtered", "count": "10", "tombstones.from": "5",
                      "transforms": "dropTombstones", "transforms.dropTombstones.type": "org.apache.kafka.connect.transforms.Filter",
                      "transforms.dropTombstones.predicate": "isTombstone",
                      "predicates": "isTombstone", "predicates.isTombstone.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone"]
        let running = start("filter", config, environment: environment, journal: TaskJournal(), statuses: StatusLog())
        try await Self.waitForStoredN(environment, "filter", 9)
        running.cancel()
        await running.value
        let records = try await broker.readAll("filtered", isolation: .readUncommitted)
        XCTAssertEqual(records.count, 5)
        XCTAssertEqual(records.last?.keyText, #"{"schema":null,"payload":"k4"}"#)
    }

    func testAStopWaitsForAcknowledgementsAndWritesTheFinalOffsets() async throws {
        let broker = try XCTUnwrap(broker)
        let environment = broker.environment(workerConfig: ["offset.flush.interval.ms": "600000"])
        let journal = TaskJournal()
        let running = start("stopper", ["topic": "stopped", "count": "10"], environment: environment, journal: journal, statuses: StatusLog())
        _ = try await broker.read("stopped", atLeast: 10)
        let beforeStop = try await Self.storedN(environment, "stopper")
        XCTAssertNil(beforeStop, "no periodic flush yet")
        running.cancel()
        await running.value
        let fresh = broker.environment()
        let afterStop = try await Self.storedN(fresh, "stopper")
        XCTAssertEqual(afterStop, 9)
        let commits = await journal.commits
        XCTAssertEqual(commits, 1)
    }

    func testExactlyOncePollsCommitRecordsAndOffsetsTogetherAndAFailedPollLeavesNeither() async throws {
        let broker = try XCTUnwrap(broker)
        let environment = broker.environment(workerConfig: ["exactly.once.source.support": "enabled"], offsetsTopic: "eos-offsets")
        let statuses = StatusLog()
        // Polls of 3: [0,1,2] commits; [3,4,5] fails converting 4 (an int32 schema with a string).
        let running = start("eos", ["topic": "eos-out", "count": "9", "batch": "3", "bad.at": "4",
                                    "value.converter": "org.apache.kafka.connect.json.JsonConverter"],
                            environment: environment, journal: TaskJournal(), statuses: statuses)
        let trace = try await statuses.waitFor(.failed)
        await running.value
        XCTAssertTrue(trace?.contains("Tolerance exceeded in error handler") == true, trace ?? "no trace")
        XCTAssertTrue(trace?.contains("VALUE_CONVERTER") == true, trace ?? "no trace")

        let committed = try await broker.readAll("eos-out", isolation: .readCommitted)
        XCTAssertEqual(committed.map(\.valueText), (0..<3).map { #"{"schema":{"type":"string","optional":false},"payload":"v\#($0)"}"# })
        let offsets = try await broker.readAll("eos-offsets", isolation: .readCommitted)
        let key = ConnectOffsetRecord(connector: "eos", partition: CountingSource.partition, offset: nil).key
        XCTAssertEqual(offsets.map(\.valueText), [#"{"n":2}"#])
        XCTAssertEqual(offsets.first.map { Array($0.key!.readableBytesView) }, key)
        XCTAssertEqual(offsets.first?.partition, Murmur2.partition(forKey: key, partitionCount: 5), "the default partitioner's choice")
        let stored = try await Self.storedN(broker.environment(offsetsTopic: "eos-offsets"), "eos")
        XCTAssertEqual(stored, 2)
    }

    func testRequiredExactlyOnceOnAWorkerWithoutItFails() async throws {
        let broker = try XCTUnwrap(broker)
        let statuses = StatusLog()
        let running = start("needs-eos", ["topic": "x", "exactly.once.support": "required"], environment: broker.environment(),
                            journal: TaskJournal(), statuses: statuses)
        let trace = try await statuses.waitFor(.failed)
        await running.value
        XCTAssertTrue(trace?.contains("This worker does not have exactly-once source support enabled.") == true, trace ?? "no trace")
        let states = await statuses.entries.map(\.state)
        XCTAssertEqual(states, [.failed])
    }

    func testAPollThatReturnsNothingAtOnceDoesNotMakeTheLoopSpin() async throws {
        let broker = try XCTUnwrap(broker)
        let source = ImpatientSource()
        let statuses = StatusLog()
        let worker = WorkerTask(id: ConnectTaskID(connector: "idle", task: 0), connectorConfig: ["name": "idle"], taskConfig: [:],
                                maker: .source { source }, environment: broker.environment(), report: statuses.reporter)
        let running = Task { await worker.run() }
        _ = try await statuses.waitFor(.running)
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(1))
        running.cancel()
        await running.value
        let elapsed = ContinuousClock.now - started
        let polls = await source.polls
        // About one poll per 100 ms back-off; a spinning loop would poll thousands of times.
        XCTAssertLessThan(Double(polls), elapsed / .milliseconds(100) + 5, "\(polls) polls in \(elapsed)")
        XCTAssertGreaterThan(polls, 2)
    }

    private static func createTopic(_ broker: WorkerBrokerFixture, _ name: String, configs: [String: String]) async throws {
        let cluster = KafkaCluster(config: broker.client)
        let results = try await KafkaAdmin(cluster: cluster).createTopics([NewTopic(name: name, partitions: 1, replicationFactor: 1, configs: configs)])
        await cluster.close()
        if case .failure(let error) = results[name] { throw error }
    }

    /// The broker refuses every record (larger than the topic's max.message.bytes): with
    /// tolerance all the failures are skipped and the offsets still advance.
    func testWithToleranceAllRecordsTheBrokerRefusesAreSkippedAndTheirOffsetsAdvance() async throws {
        let broker = try XCTUnwrap(broker)
        try await Self.createTopic(broker, "tiny", configs: ["max.message.bytes": "200"])
        let environment = broker.environment()
        let statuses = StatusLog()
        let running = start("refused", ["topic": "tiny", "count": "3", "value.padding": "400", "errors.tolerance": "all"],
                            environment: environment, journal: TaskJournal(), statuses: statuses)
        try await Self.waitForStoredN(environment, "refused", 2)
        running.cancel()
        await running.value
        let states = await statuses.entries.map(\.state)
        XCTAssertEqual(states, [.running])
        let written = try await broker.readAll("tiny", isolation: .readUncommitted)
        XCTAssertEqual(written.count, 0)
    }

    func testWithToleranceNoneARecordTheBrokerRefusesFailsTheTask() async throws {
        let broker = try XCTUnwrap(broker)
        try await Self.createTopic(broker, "tiny-strict", configs: ["max.message.bytes": "200"])
        let environment = broker.environment()
        let statuses = StatusLog()
        let running = start("refused-strict", ["topic": "tiny-strict", "count": "3", "value.padding": "400"],
                            environment: environment, journal: TaskJournal(), statuses: statuses)
        let trace = try await statuses.waitFor(.failed)
        await running.value
        XCTAssertTrue(trace?.contains("Unrecoverable exception from producer send callback") == true, trace ?? "no trace")
        XCTAssertTrue(trace?.contains("KAFKA_PRODUCE") == true, trace ?? "no trace")
        let stored = try await Self.storedN(broker.environment(), "refused-strict")
        XCTAssertNil(stored, "no offset for records that were never written")
    }
}
