@testable import BrookConnect
import BrookSchemas
import XCTest

/// The sans-IO error-handling core against Kafka's RetryWithToleranceOperator behaviour.
final class ErrorsRetryWithToleranceTests: XCTestCase {
    private func config(_ pairs: [String: String]) throws -> ErrorHandlingConfig {
        try ErrorHandlingConfig(connectorConfig: pairs)
    }

    func testDecisionsPerStageRetriabilityAndTolerance() throws {
        struct Row {
            var settings: [String: String]
            var stage: ConnectErrorStage
            var retriable: Bool
            var attempt = 1
            var elapsed: Int64 = 0
            var expected: RetryWithTolerance.Decision
        }
        let rows: [Row] = [
            // tolerance none: the first failure of a tolerable stage fails the task
            Row(settings: [:], stage: .valueConverter, retriable: false, expected: .fail("Tolerance exceeded in error handler")),
            Row(settings: [:], stage: .transformation, retriable: false, expected: .fail("Tolerance exceeded in error handler")),
            // tolerance all: skipped
            Row(settings: ["errors.tolerance": "all"], stage: .keyConverter, retriable: false, expected: .skip),
            Row(settings: ["errors.tolerance": "ALL"], stage: .headerConverter, retriable: false, expected: .skip),
            // a non-retriable error where only retriable ones are handled is never tolerated
            Row(settings: ["errors.tolerance": "all"], stage: .kafkaProduce, retriable: false, expected: .fail("Unhandled exception in error handler")),
            Row(settings: ["errors.tolerance": "all"], stage: .taskPut, retriable: false, expected: .fail("Unhandled exception in error handler")),
            // retry timeout 0 (default): no retry
            Row(settings: ["errors.tolerance": "all"], stage: .valueConverter, retriable: true, expected: .skip),
            Row(settings: [:], stage: .kafkaProduce, retriable: true, expected: .fail("Tolerance exceeded in error handler")),
            // within the retry timeout: 300 ms doubled per attempt
            Row(settings: ["errors.retry.timeout": "10000"], stage: .valueConverter, retriable: true, attempt: 1, expected: .retry(afterMs: 300)),
            Row(settings: ["errors.retry.timeout": "10000"], stage: .valueConverter, retriable: true, attempt: 3, elapsed: 900, expected: .retry(afterMs: 1200)),
            // the back-off never passes the deadline
            Row(settings: ["errors.retry.timeout": "1000"], stage: .taskPut, retriable: true, attempt: 3, elapsed: 900, expected: .retry(afterMs: 100)),
            // past the deadline: tolerance decides
            Row(settings: ["errors.retry.timeout": "1000", "errors.tolerance": "all"], stage: .valueConverter, retriable: true, attempt: 4, elapsed: 1000, expected: .skip),
            // -1 retries forever
            Row(settings: ["errors.retry.timeout": "-1"], stage: .valueConverter, retriable: true, attempt: 2, elapsed: 1_000_000_000, expected: .retry(afterMs: 600)),
        ]
        for (index, row) in rows.enumerated() {
            var core = RetryWithTolerance(config: try config(row.settings))
            let decision = core.attemptFailed(stage: row.stage, retriable: row.retriable, attempt: row.attempt, startedAtMs: 5_000,
                                              nowMs: 5_000 + row.elapsed, random: { _ in XCTFail("no jitter expected"); return 0 })
            XCTAssertEqual(decision, row.expected, "row \(index)")
        }
    }

    func testBackOffPastTheCapIsARandomDelayBelowIt() throws {
        var core = RetryWithTolerance(config: try config(["errors.retry.timeout": "-1", "errors.retry.delay.max.ms": "1000"]))
        var bounds: [Int64] = []
        let decision = core.attemptFailed(stage: .keyConverter, retriable: true, attempt: 4, startedAtMs: 0, nowMs: 10,
                                          random: { bounds.append($0); return 417 })
        XCTAssertEqual(decision, .retry(afterMs: 417))
        XCTAssertEqual(bounds, [1000])
        // Huge attempt numbers do not overflow the shift.
        XCTAssertEqual(core.attemptFailed(stage: .keyConverter, retriable: true, attempt: 500, startedAtMs: 0, nowMs: 10, random: { _ in 5 }),
                       .retry(afterMs: 5))
    }

    func testFailuresCountAndToleranceNoneStopsAtTheFirst() throws {
        var all = RetryWithTolerance(config: try config(["errors.tolerance": "all"]))
        XCTAssertEqual(all.failedOutright(), .skip)
        XCTAssertEqual(all.failedOutright(), .skip)
        XCTAssertEqual(all.totalFailures, 2)
        XCTAssertEqual(all.skipped, 2)
        var none = RetryWithTolerance(config: ErrorHandlingConfig())
        XCTAssertTrue(none.withinToleranceLimits)
        XCTAssertEqual(none.failedOutright(), .fail("Tolerance exceeded in error handler"))
        XCTAssertFalse(none.withinToleranceLimits)
    }

    func testConfigDefaultsAndInvalidValues() throws {
        let defaults = try config([:])
        XCTAssertEqual(defaults, ErrorHandlingConfig())
        XCTAssertEqual(defaults.retryDelayMaxMs, 60_000)
        XCTAssertEqual(defaults.deadLetterQueueReplicationFactor, 3)
        XCTAssertEqual(defaults.deadLetterQueueTopic, "")
        let full = try config(["errors.deadletterqueue.topic.name": " dlq ", "errors.deadletterqueue.context.headers.enable": "true",
                               "errors.log.enable": "true", "errors.log.include.messages": "TRUE",
                               "errors.deadletterqueue.topic.replication.factor": "1"])
        XCTAssertEqual(full.deadLetterQueueTopic, "dlq")
        XCTAssertTrue(full.deadLetterQueueContextHeaders && full.logEnabled && full.logIncludeMessages)
        XCTAssertEqual(full.deadLetterQueueReplicationFactor, 1)
        XCTAssertThrowsError(try config(["errors.tolerance": "some"])) {
            XCTAssertEqual("\($0)", "Invalid value some for configuration errors.tolerance: String must be one of: none, all")
        }
        XCTAssertThrowsError(try config(["errors.retry.timeout": "soon"]))
        XCTAssertThrowsError(try config(["errors.retry.delay.max.ms": "0"]))
        XCTAssertThrowsError(try config(["errors.deadletterqueue.topic.replication.factor": "0"]))
        XCTAssertThrowsError(try config(["errors.log.enable": "yes"]))
    }

    func testDeadLetterQueueHeadersAreKafkasNamesAndEncodings() {
        let original = ConnectErrorContext.ConsumedRecord(topic: "orders", partition: 2, offset: 41, timestamp: 1_700_000_000_000,
                                                          key: Array("k".utf8), value: Array("{bad".utf8))
        let context = ConnectErrorContext(task: ConnectTaskID(connector: "pg", task: 3), stage: .valueConverter,
                                          executingClass: "org.apache.kafka.connect.json.JsonConverter",
                                          error: ConnectDataError("Converting byte[] to Kafka Connect data failed"), original: .consumed(original))
        let headers = context.deadLetterQueueHeaders.map { ($0.key, $0.value.map { String(decoding: $0, as: UTF8.self) }) }
        XCTAssertEqual(headers.map(\.0), [
            "__connect.errors.topic", "__connect.errors.partition", "__connect.errors.offset", "__connect.errors.connector.name",
            "__connect.errors.task.id", "__connect.errors.stage", "__connect.errors.class.name", "__connect.errors.exception.class.name",
            "__connect.errors.exception.message", "__connect.errors.exception.stacktrace",
        ])
        XCTAssertEqual(headers.map(\.1), [
            "orders", "2", "41", "pg", "3", "VALUE_CONVERTER", "org.apache.kafka.connect.json.JsonConverter",
            "org.apache.kafka.connect.errors.DataException", "Converting byte[] to Kafka Connect data failed",
            "org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data failed",
        ])
        // Without a consumed original there is no topic/partition/offset.
        let sourceSide = ConnectErrorContext(task: ConnectTaskID(connector: "s", task: 0), stage: .kafkaProduce, executingClass: "x",
                                             error: RetriableConnectError("later"), original: .source("SourceRecord{}"))
        XCTAssertEqual(sourceSide.deadLetterQueueHeaders.first?.key, "__connect.errors.connector.name")
        XCTAssertEqual(sourceSide.errorClass, "org.apache.kafka.connect.errors.RetriableException")
    }

    func testLogLineIsLogReportersShape() {
        let original = ConnectErrorContext.ConsumedRecord(topic: "t", partition: 0, offset: 7, timestamp: 12, key: nil, value: nil)
        let context = ConnectErrorContext(task: ConnectTaskID(connector: "c", task: 1), stage: .transformation,
                                          executingClass: "org.apache.kafka.connect.transforms.Cast$Value", error: ConnectDataError("bad"),
                                          original: .consumed(original))
        XCTAssertEqual(context.logMessage(includeRecord: false),
                       "Error encountered in task c-1. Executing stage 'TRANSFORMATION' with class 'org.apache.kafka.connect.transforms.Cast$Value'.")
        XCTAssertEqual(context.logMessage(includeRecord: true),
                       "Error encountered in task c-1. Executing stage 'TRANSFORMATION' with class 'org.apache.kafka.connect.transforms.Cast$Value', "
                           + "where consumed record is {topic='t', partition=0, offset=7, timestamp=12, timestampType=CreateTime}.")
    }

    func testFailureTraceNamesMessageStageAndCause() {
        let failure = ConnectTaskFailure("Tolerance exceeded in error handler", stage: .valueConverter, cause: ConnectDataError("not JSON"))
        XCTAssertEqual(failure.trace, """
            org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler
            \tat stage VALUE_CONVERTER
            Caused by: org.apache.kafka.connect.errors.DataException: not JSON
            """)
    }
}
