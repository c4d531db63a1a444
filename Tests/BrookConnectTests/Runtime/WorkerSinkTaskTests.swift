import BrookClient
@testable import BrookConnect
import BrookSchemas
import BrookTestSupport
import XCTest

/// The sink loop against a real broker: consume, convert, transform, put, flush-then-commit,
/// continue from the committed offset; errors to the dead letter queue or FAILED.
final class WorkerSinkTaskTests: XCTestCase {
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

    private static let schemalessJSON = ["value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
                                         "key.converter": "org.apache.kafka.connect.storage.StringConverter"]

    private func start(_ name: String, _ config: [String: String], environment: WorkerTaskEnvironment, journal: TaskJournal,
                       statuses: StatusLog = StatusLog()) -> Task<Void, Never> {
        var full = config
        full["name"] = name
        let worker = WorkerTask(id: ConnectTaskID(connector: name, task: 0), connectorConfig: full, taskConfig: full,
                                maker: .sink { CollectingSink(journal: journal) }, environment: environment, report: statuses.reporter)
        return Task { await worker.run() }
    }

    private func waitForPut(_ journal: TaskJournal, _ count: Int) async throws {
        try await within(30, "\(count) records put") {
            while await journal.put.count < count { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    private static func committed(_ broker: WorkerBrokerFixture, group: String, _ partition: TopicPartition) async throws -> Int64 {
        let cluster = KafkaCluster(config: broker.client)
        let consumer = try KafkaConsumer(config: ConsumerConfig(client: broker.client, groupId: group), cluster: cluster)
        defer { Task { await consumer.close(); await cluster.close() } }
        return try await consumer.committed([partition])[partition] ?? -1
    }

    func testConsumesConvertsTransformsCommitsAfterFlushAndANewTaskContinues() async throws {
        let broker = try XCTUnwrap(broker)
        try await broker.produce("orders", (0..<5).map { (key: "o\($0)", value: #"{"id":\#($0)}"#) })
        let config = Self.schemalessJSON.merging([
            "topics": "orders", "transforms": "tag", "transforms.tag.type": "org.apache.kafka.connect.transforms.InsertField$Value",
            "transforms.tag.static.field": "via", "transforms.tag.static.value": "brook",
        ]) { $1 }
        let journal = TaskJournal()
        let running = start("orders-sink", config, environment: broker.environment(), journal: journal)
        try await waitForPut(journal, 5)
        let put = await journal.put
        XCTAssertEqual(put.map(\.key), (0..<5).map { .string("o\($0)") })
        XCTAssertEqual(put.first?.value, .map([ConnectMapEntry(.string("id"), .int64(0)), ConnectMapEntry(.string("via"), .string("brook"))]))
        XCTAssertEqual(put.map(\.kafkaOffset), [0, 1, 2, 3, 4])
        try await within(30, "offset 5 committed") {
            while try await Self.committed(broker, group: "connect-orders-sink", TopicPartition("orders", 0)) != 5 { try await Task.sleep(for: .milliseconds(50)) }
        }
        let flushes = await journal.flushes
        XCTAssertEqual(flushes.first, 5, "the task flushed everything before the commit")
        running.cancel()
        await running.value

        try await broker.produce("orders", (5..<8).map { (key: "o\($0)", value: #"{"id":\#($0)}"#) })
        let next = TaskJournal()
        let continued = start("orders-sink", config, environment: broker.environment(), journal: next)
        try await waitForPut(next, 3)
        continued.cancel()
        await continued.value
        let afterRestart = await next.put
        XCTAssertEqual(afterRestart.map(\.kafkaOffset), [5, 6, 7])
        let stops = await next.stops
        XCTAssertEqual(stops, 1)
        let finalCommit = try await Self.committed(broker, group: "connect-orders-sink", TopicPartition("orders", 0))
        XCTAssertEqual(finalCommit, 8)
    }

    func testABadJSONValueGoesToTheDeadLetterQueueWithContextHeadersAndTheRestArePut() async throws {
        let broker = try XCTUnwrap(broker)
        try await broker.produce("events", [(key: "a", value: #"{"id":1}"#), (key: "b", value: "{not json"), (key: "c", value: #"{"id":3}"#)])
        let config = Self.schemalessJSON.merging([
            "topics": "events", "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "events-dlq",
            "errors.deadletterqueue.context.headers.enable": "true", "errors.deadletterqueue.topic.replication.factor": "1",
            "errors.log.enable": "true", "errors.log.include.messages": "true",
        ]) { $1 }
        let journal = TaskJournal()
        let running = start("events-sink", config, environment: broker.environment(), journal: journal)
        try await waitForPut(journal, 2)
        let dead = try await broker.read("events-dlq", atLeast: 1)
        running.cancel()
        await running.value
        let put = await journal.put
        XCTAssertEqual(put.map(\.key), [.string("a"), .string("c")])
        XCTAssertEqual(dead.count, 1)
        let record = try XCTUnwrap(dead.first)
        XCTAssertEqual(record.keyText, "b")
        XCTAssertEqual(record.valueText, "{not json")
        XCTAssertEqual(record.header("__connect.errors.topic"), "events")
        XCTAssertEqual(record.header("__connect.errors.partition"), "0")
        XCTAssertEqual(record.header("__connect.errors.offset"), "1")
        XCTAssertEqual(record.header("__connect.errors.connector.name"), "events-sink")
        XCTAssertEqual(record.header("__connect.errors.task.id"), "0")
        XCTAssertEqual(record.header("__connect.errors.stage"), "VALUE_CONVERTER")
        XCTAssertEqual(record.header("__connect.errors.class.name"), "org.apache.kafka.connect.json.JsonConverter")
        XCTAssertEqual(record.header("__connect.errors.exception.class.name"), "org.apache.kafka.connect.errors.DataException")
        XCTAssertNotNil(record.header("__connect.errors.exception.message"))
        let committed = try await Self.committed(broker, group: "connect-events-sink", TopicPartition("events", 0))
        XCTAssertEqual(committed, 3, "the skipped record's offset is committed too")
    }

    func testWithToleranceNoneABadRecordFailsTheTask() async throws {
        let broker = try XCTUnwrap(broker)
        try await broker.produce("strict", [(key: "a", value: #"{"id":1}"#), (key: "b", value: "{not json")])
        let statuses = StatusLog()
        let journal = TaskJournal()
        let running = start("strict-sink", Self.schemalessJSON.merging(["topics": "strict"]) { $1 }, environment: broker.environment(),
                            journal: journal, statuses: statuses)
        let trace = try await statuses.waitFor(.failed)
        await running.value
        XCTAssertTrue(trace?.contains("Tolerance exceeded in error handler") == true, trace ?? "no trace")
        XCTAssertTrue(trace?.contains("VALUE_CONVERTER") == true, trace ?? "no trace")
        let states = await statuses.entries.map(\.state)
        XCTAssertEqual(states, [.running, .failed])
        let stops = await journal.stops
        XCTAssertEqual(stops, 1)
    }

    func testReportErrantSendsTheOriginalRecordToTheDeadLetterQueue() async throws {
        let broker = try XCTUnwrap(broker)
        try await broker.produce("rows", [(key: "1", value: "fine"), (key: "2", value: "errant"), (key: "3", value: "also fine")])
        let config = ["topics": "rows", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                      "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                      "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "rows-dlq",
                      "errors.deadletterqueue.context.headers.enable": "true"]
        let journal = TaskJournal()
        let running = start("rows-sink", config, environment: broker.environment(), journal: journal)
        try await waitForPut(journal, 2)
        let dead = try await broker.read("rows-dlq", atLeast: 1)
        running.cancel()
        await running.value
        let record = try XCTUnwrap(dead.first)
        XCTAssertEqual(record.valueText, "errant")
        XCTAssertEqual(record.keyText, "2")
        XCTAssertEqual(record.header("__connect.errors.stage"), "TASK_PUT")
        XCTAssertEqual(record.header("__connect.errors.class.name"), "org.apache.kafka.connect.sink.SinkTask")
        XCTAssertEqual(record.header("__connect.errors.offset"), "1")
        XCTAssertEqual(record.header("__connect.errors.exception.message"), #"the sink cannot write string("errant")"#)
    }

    func testReportErrantWithToleranceNoneFailsTheTask() async throws {
        let broker = try XCTUnwrap(broker)
        try await broker.produce("picky", [(key: "1", value: "errant")])
        let config = ["topics": "picky", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                      "key.converter": "org.apache.kafka.connect.storage.StringConverter"]
        let statuses = StatusLog()
        let running = start("picky-sink", config, environment: broker.environment(), journal: TaskJournal(), statuses: statuses)
        let trace = try await statuses.waitFor(.failed)
        await running.value
        XCTAssertTrue(trace?.contains("Tolerance exceeded in error handler") == true, trace ?? "no trace")
        XCTAssertTrue(trace?.contains("TASK_PUT") == true, trace ?? "no trace")
        let committed = try await Self.committed(broker, group: "connect-picky-sink", TopicPartition("picky", 0))
        XCTAssertEqual(committed, -1, "a failed task commits nothing it could not write")
    }

    func testARetriablePutIsHandedTheSameBatchAgain() async throws {
        let broker = try XCTUnwrap(broker)
        try await broker.produce("later", (0..<4).map { (key: "\($0)", value: "v\($0)") })
        let config = ["topics": "later", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                      "key.converter": "org.apache.kafka.connect.storage.StringConverter", "retriable.puts": "2"]
        let journal = TaskJournal()
        let running = start("later-sink", config, environment: broker.environment(), journal: journal)
        try await waitForPut(journal, 4)
        running.cancel()
        await running.value
        let put = await journal.put
        XCTAssertEqual(put.map(\.value), (0..<4).map { .string("v\($0)") })
        let calls = await journal.putCalls
        XCTAssertGreaterThanOrEqual(calls, 3, "two refusals, then the same records again")
    }

    func testTopicsRegexPicksUpATopicCreatedLater() async throws {
        let broker = try XCTUnwrap(broker)
        try await broker.produce("metrics-a", [(key: "1", value: "a")])
        let config = ["topics.regex": "metrics-.*", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                      "key.converter": "org.apache.kafka.connect.storage.StringConverter"]
        let journal = TaskJournal()
        let running = start("metrics-sink", config, environment: broker.environment(), journal: journal)
        try await waitForPut(journal, 1)
        try await broker.produce("metrics-b", [(key: "2", value: "b")])
        try await broker.produce("other", [(key: "3", value: "not matched")])
        try await waitForPut(journal, 2)
        running.cancel()
        await running.value
        let put = await journal.put
        XCTAssertEqual(put.map(\.topic), ["metrics-a", "metrics-b"])
    }

    func testPartitionsRevokedInARebalanceAreFlushedAndCommittedFirst() async throws {
        let broker = try XCTUnwrap(broker)
        let records = (0..<6).map { (key: "k\($0)", value: "v\($0)") }
        try await broker.produce("shared", records, partitions: 2)
        let config = ["topics": "shared", "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                      "key.converter": "org.apache.kafka.connect.storage.StringConverter"]
        // No periodic commit within the test: only the revocation can commit.
        let environment = broker.environment(workerConfig: ["offset.flush.interval.ms": "600000"])
        let first = TaskJournal()
        let a = start("shared-sink", config, environment: environment, journal: first)
        try await waitForPut(first, 6)
        let partitions = [TopicPartition("shared", 0), TopicPartition("shared", 1)]
        var before: [Int64] = []
        for partition in partitions { before.append(try await Self.committed(broker, group: "connect-shared-sink", partition)) }
        XCTAssertEqual(before, [-1, -1])

        var secondConfig = config
        secondConfig["name"] = "shared-sink"
        let second = WorkerTask(id: ConnectTaskID(connector: "shared-sink", task: 1), connectorConfig: secondConfig, taskConfig: secondConfig,
                                maker: .sink { CollectingSink(journal: TaskJournal()) }, environment: environment, report: StatusLog().reporter)
        let b = Task { await second.run() }
        let put = await first.put
        let ends = Dictionary(grouping: put, by: { $0.kafkaPartition ?? -1 }).mapValues { ($0.compactMap(\.kafkaOffset).max() ?? -1) + 1 }
        try await within(30, "the revoked partitions' offsets committed") {
            while true {
                var all = true
                for partition in partitions where ends[partition.partition] != nil {
                    let committed = try await Self.committed(broker, group: "connect-shared-sink", partition)
                    if committed != ends[partition.partition] { all = false }
                }
                if all { return }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let flushes = await first.flushes
        XCTAssertEqual(flushes.first, 6, "flushed before committing")
        a.cancel()
        b.cancel()
        await a.value
        await b.value
    }
}
