import BrookConnect
import BrookSchemas
import BrookTestSupport
import XCTest

final class ConnectInternalRecordsTests: XCTestCase {
    private func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    // MARK: connect-configs

    func testConfigRecordsUseKafkasKeysAndJSON() {
        let config = ConnectConfigRecord.connectorConfig(connector: "pg-orders", properties: [ConnectProperty("connector.class", "FileStreamSource"), ConnectProperty("file", nil)])
        XCTAssertEqual(config.key, "connector-pg-orders")
        XCTAssertEqual(text(config.value), #"{"properties":{"connector.class":"FileStreamSource","file":null}}"#)
        let task = ConnectConfigRecord.taskConfig(connector: "pg-orders", task: 2, properties: [ConnectProperty("task.class", "X")])
        XCTAssertEqual(task.key, "task-pg-orders-2")
        XCTAssertEqual(text(task.value), #"{"properties":{"task.class":"X"}}"#)
        XCTAssertEqual(ConnectConfigRecord.tasksCommit(connector: "c", tasks: 3).key, "commit-c")
        XCTAssertEqual(text(ConnectConfigRecord.tasksCommit(connector: "c", tasks: 3).value), #"{"tasks":3}"#)
        XCTAssertEqual(ConnectConfigRecord.targetState(connector: "c", .stopped).key, "target-state-c")
        XCTAssertEqual(text(ConnectConfigRecord.targetState(connector: "c", .stopped).value), #"{"state":"PAUSED","state.v2":"STOPPED"}"#)
        XCTAssertEqual(text(ConnectConfigRecord.targetState(connector: "c", .started).value), #"{"state":"STARTED","state.v2":"STARTED"}"#)
        XCTAssertEqual(text(ConnectConfigRecord.restartRequest(connector: "c", includeTasks: true, onlyFailed: false).value), #"{"include-tasks":true,"only-failed":false}"#)
        XCTAssertEqual(ConnectConfigRecord.restartRequest(connector: "c", includeTasks: true, onlyFailed: false).key, "restart-connector-c")
        XCTAssertEqual(ConnectConfigRecord.taskCount(connector: "c", taskCount: 4).key, "tasks-fencing-c")
        XCTAssertEqual(text(ConnectConfigRecord.taskCount(connector: "c", taskCount: 4).value), #"{"task-count":4}"#)
        XCTAssertEqual(text(ConnectConfigRecord.sessionKey(key: "AAE=", algorithm: "HmacSHA256", creationTimestamp: 1_700_000_000_000).value),
                       #"{"key":"AAE=","algorithm":"HmacSHA256","creation-timestamp":1700000000000}"#)
        XCTAssertEqual(ConnectConfigRecord.loggerLevel(namespace: "org.apache", level: "DEBUG").key, "logger-cluster-org.apache")
        XCTAssertNil(ConnectConfigRecord.connectorConfig(connector: "c", properties: nil).value)
        // Jackson's escapes: short forms for \b \t \n \f \r, upper-case \u00XX for other controls.
        XCTAssertEqual(text(ConnectConfigRecord.loggerLevel(namespace: "n", level: "\u{1}\u{1F}\t\"é/").value), #"{"level":"\u0001\u001F\t\"é/"}"#)
        XCTAssertNil(ConnectConfigRecord.targetState(connector: "c", nil).value)
    }

    func testEveryConfigRecordReadsBackAsWritten() {
        let records: [ConnectConfigRecord] = [
            .connectorConfig(connector: "a-b", properties: [ConnectProperty("x", "1"), ConnectProperty("y", nil), ConnectProperty("z", "\u{1}\"é")]),
            .connectorConfig(connector: "gone", properties: nil),
            .taskConfig(connector: "my-dashed-connector", task: 12, properties: []),
            .tasksCommit(connector: "c", tasks: 0),
            .targetState(connector: "c", .paused), .targetState(connector: "c", .stopped), .targetState(connector: "c", nil),
            .restartRequest(connector: "c", includeTasks: false, onlyFailed: true),
            .taskCount(connector: "c", taskCount: 7),
            .sessionKey(key: "a2V5", algorithm: "HmacSHA256", creationTimestamp: -1),
            .loggerLevel(namespace: "root", level: "WARN"),
        ]
        for record in records {
            XCTAssertEqual(ConnectConfigRecord.decode(key: record.key, value: record.value), .record(record), record.key)
        }
    }

    func testConfigDecodingFollowsKafkasQuirks() {
        // A worker before 3.5 only writes "state"; a non-string state.v2 falls back to it.
        XCTAssertEqual(ConnectConfigRecord.decode(key: "target-state-c", value: Array(#"{"state":"PAUSED"}"#.utf8)).record, .targetState(connector: "c", .paused))
        XCTAssertEqual(ConnectConfigRecord.decode(key: "target-state-c", value: Array(#"{"state":"PAUSED","state.v2":5}"#.utf8)).record, .targetState(connector: "c", .paused))
        XCTAssertNil(ConnectConfigRecord.decode(key: "target-state-c", value: Array(#"{"state.v2":"NAPPING"}"#.utf8)).record)
        // Non-boolean restart flags default to false; unknown members are ignored.
        XCTAssertEqual(ConnectConfigRecord.decode(key: "restart-connector-c", value: Array(#"{"include-tasks":"yes","extra":1}"#.utf8)).record,
                       .restartRequest(connector: "c", includeTasks: false, onlyFailed: false))
        XCTAssertEqual(ConnectConfigRecord.decode(key: "commit-c", value: Array(#"{"tasks":2,"future":true}"#.utf8)).record, .tasksCommit(connector: "c", tasks: 2))
        XCTAssertNil(ConnectConfigRecord.decode(key: "commit-c", value: Array(#"{"tasks":2.5}"#.utf8)).record)
        XCTAssertNil(ConnectConfigRecord.decode(key: "task-c", value: Array(#"{"properties":{}}"#.utf8)).record)
        XCTAssertNil(ConnectConfigRecord.decode(key: "task-c-x", value: Array(#"{"properties":{}}"#.utf8)).record)
        XCTAssertNil(ConnectConfigRecord.decode(key: "task-c-1", value: nil).record)
        XCTAssertEqual(ConnectConfigRecord.decode(key: "connector-c", value: Array("null".utf8)).record, .connectorConfig(connector: "c", properties: nil))
        XCTAssertEqual(ConnectConfigRecord.decode(key: "mystery-c", value: Array("{}".utf8)), .ignored(reason: "config record with invalid key mystery-c"))
        XCTAssertNil(ConnectConfigRecord.decode(key: "connector-c", value: Array("{not json".utf8)).record)
    }

    // MARK: connect-status

    func testStatusRecordsUseKafkasKeysAndJSON() {
        let running = ConnectStatus(state: .running, workerId: "10.0.0.1:8083", generation: 5)
        let connector = ConnectStatusRecord.connector(name: "pg", running)
        XCTAssertEqual(connector.key, "status-connector-pg")
        XCTAssertEqual(text(connector.value), #"{"state":"RUNNING","trace":null,"worker_id":"10.0.0.1:8083","generation":5}"#)
        let failed = ConnectStatusRecord.task(connector: "pg", task: 0, ConnectStatus(state: .failed, trace: "java.lang.X\n\tat y", workerId: "w:8083", generation: 1))
        XCTAssertEqual(failed.key, "status-task-pg-0")
        XCTAssertEqual(text(failed.value), #"{"state":"FAILED","trace":"java.lang.X\n\tat y","worker_id":"w:8083","generation":1}"#)
        let topic = ConnectStatusRecord.topic(topic: "orders", connector: "pg", ConnectTopicStatus(topic: "orders", connector: "pg", task: 1, discoverTimestamp: 1_700_000_000_123))
        XCTAssertEqual(topic.key, "status-topic-orders:connector-pg")
        XCTAssertEqual(text(topic.value), #"{"topic":{"name":"orders","connector":"pg","task":1,"discoverTimestamp":1700000000123}}"#)
    }

    func testEveryStatusRecordReadsBackAsWritten() {
        let records: [ConnectStatusRecord] = [
            .connector(name: "a-b", ConnectStatus(state: .paused, workerId: "w", generation: 0)),
            .connector(name: "a", nil),
            .task(connector: "my-dashed", task: 3, ConnectStatus(state: .unassigned, trace: "t", workerId: "w", generation: Int32.max)),
            .task(connector: "x", task: 0, nil),
            .topic(topic: "t.1", connector: "c-d", ConnectTopicStatus(topic: "t.1", connector: "c-d", task: 0, discoverTimestamp: 0)),
            .topic(topic: "t", connector: "c", nil),
        ]
        for record in records {
            XCTAssertEqual(ConnectStatusRecord.decode(key: record.key, value: record.value), .record(record), record.key)
        }
    }

    func testStatusDecodingIgnoresWhatKafkaDiscards() {
        XCTAssertNil(ConnectStatusRecord.decode(key: "status-connector-", value: nil).record)
        XCTAssertNil(ConnectStatusRecord.decode(key: "status-task-c", value: nil).record)
        XCTAssertNil(ConnectStatusRecord.decode(key: "status-topic-orders", value: nil).record)
        XCTAssertNil(ConnectStatusRecord.decode(key: "status-topic-:connector-c", value: nil).record)
        XCTAssertNil(ConnectStatusRecord.decode(key: "status-connector-c", value: Array(#"{"state":"SLEEPING","worker_id":"w","generation":1}"#.utf8)).record)
        XCTAssertNil(ConnectStatusRecord.decode(key: "status-connector-c", value: Array(#"{"state":"RUNNING","worker_id":"w"}"#.utf8)).record)
        XCTAssertEqual(ConnectStatusRecord.decode(key: "status-connector-c", value: Array(#"{"state":"RUNNING","generation":2,"new":[1]}"#.utf8)).record,
                       .connector(name: "c", ConnectStatus(state: .running, workerId: nil, generation: 2)))
        XCTAssertNil(ConnectStatusRecord.decode(key: "other", value: nil).record)
    }

    // MARK: connect-offsets

    func testOffsetRecordsAreAConnectorPartitionArrayAndAnOffsetObject() {
        let record = ConnectOffsetRecord(connector: "local-file-source", partition: .object([("filename", .string("/tmp/test.txt"))]),
                                         offset: .object([("position", .number("1234"))]))
        XCTAssertEqual(text(record.key), #"["local-file-source",{"filename":"/tmp/test.txt"}]"#)
        XCTAssertEqual(text(record.value), #"{"position":1234}"#)
        XCTAssertEqual(ConnectOffsetRecord.decode(key: record.key, value: record.value), .record(record))
        let tombstone = ConnectOffsetRecord(connector: "c", partition: .object([]), offset: nil)
        XCTAssertNil(tombstone.value)
        XCTAssertEqual(ConnectOffsetRecord.decode(key: tombstone.key, value: nil).record, tombstone)
    }

    func testMalformedOffsetKeysAreIgnored() {
        for key in [#"["c"]"#, #"["c",{},1]"#, #"[1,{}]"#, #"["c",null]"#, #"["c",[1]]"#, #"{"c":{}}"#, "not json"] {
            XCTAssertNil(ConnectOffsetRecord.decode(key: Array(key.utf8), value: Array("{}".utf8)).record, key)
        }
        XCTAssertNil(ConnectOffsetRecord.decode(key: nil, value: nil).record)
    }

    /// Fuzz: mutated keys and values of all three topics decode or are ignored, never crash.
    func testMutatedInternalRecordsDecodeOrAreIgnoredButNeverCrash() {
        var rng = SeededRNG(seed: 0xC0EC)
        let seeds: [(String, [UInt8]?)] = [
            ("connector-a-b", ConnectConfigRecord.connectorConfig(connector: "a", properties: [ConnectProperty("k", "v")]).value),
            ("task-a-b-7", ConnectConfigRecord.taskConfig(connector: "a", task: 1, properties: []).value),
            ("target-state-x", ConnectConfigRecord.targetState(connector: "x", .stopped).value),
            ("status-task-c-9", ConnectStatusRecord.connector(name: "c", ConnectStatus(state: .running, workerId: "w", generation: 1)).value),
            ("status-topic-t:connector-c", ConnectStatusRecord.topic(topic: "t", connector: "c", ConnectTopicStatus(topic: "t", connector: "c", task: 1, discoverTimestamp: 9)).value),
            (#"["c",{"p":1}]"#, Array(#"{"offset":99999999999999999999}"#.utf8)),
        ]
        let noise: [UInt8] = Array("{}[]\",:-0123456789e.n\\".utf8) + [0x00, 0xFF, 0xC3]
        func mutate(_ bytes: [UInt8]) -> [UInt8] {
            var out = bytes
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: if !out.isEmpty { out[Int.random(in: 0..<out.count, using: &rng)] = noise.randomElement(using: &rng)! }
                case 1: out.insert(noise.randomElement(using: &rng)!, at: Int.random(in: 0...out.count, using: &rng))
                default: out = Array(out.prefix(Int.random(in: 0...out.count, using: &rng)))
                }
            }
            return out
        }
        var decoded = 0
        for _ in 0..<3000 {
            let (key, value) = seeds.randomElement(using: &rng)!
            let mutatedKey = String(decoding: mutate(Array(key.utf8)), as: UTF8.self)
            let mutatedValue = Bool.random(using: &rng) ? value.map(mutate) : value
            if ConnectConfigRecord.decode(key: mutatedKey, value: mutatedValue).record != nil { decoded += 1 }
            if ConnectStatusRecord.decode(key: mutatedKey, value: mutatedValue).record != nil { decoded += 1 }
            if ConnectOffsetRecord.decode(key: Array(mutatedKey.utf8), value: mutatedValue).record != nil { decoded += 1 }
        }
        XCTAssertGreaterThan(decoded, 0)
    }
}
