@testable import BrookSchemaRegistry
import BrookSchemas
import XCTest

final class SchemaRegistryServiceTests: XCTestCase {
    private func record(_ key: String, _ value: String?) -> RegistryLogRecord {
        RegistryLogRecord(key: Array(key.utf8), value: value.map { Array($0.utf8) })
    }

    private static func register(_ service: SchemaRegistryService, _ subject: String, _ fields: [String]) async throws -> RegisterResult {
        let text = JSONValue.object([("fields", .array(fields.map(JSONValue.string)))]).compactText
        return try await service.write { state throws(RegistryError) in
            try state.register(subject: subject, request: RegisterRequest(schema: text), normalize: false)
        }
    }

    func testStartUpReplaysRecordsWrittenByConfluentAndKarapace() async throws {
        let log = InMemoryRegistryLog(records: [
            record(#"{"keytype":"NOOP","magic":0}"#, nil),
            record(#"{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}"#,
                   #"{"subject":"a","version":1,"id":5,"schema":"{\"fields\":[\"x\"]}","deleted":false}"#),
            // Karapace's older key order, an explicit AVRO type.
            record(#"{"subject":"b","version":1,"magic":1,"keytype":"SCHEMA"}"#,
                   #"{"deleted":false,"id":9,"schema":"{\"fields\":[\"y\"]}","schemaType":"AVRO","subject":"b","version":1}"#),
            record(#"{"keytype":"CONFIG","subject":null,"magic":0}"#, #"{"compatibilityLevel":"NONE"}"#),
            record(#"{"keytype":"CONTEXT","magic":0}"#, #"{}"#),
            record("not json", "x"),
            record(#"{"keytype":"DELETE_SUBJECT","subject":"b","magic":0}"#, #"{"subject":"b","version":1}"#),
        ])
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        let state = try await service.currentState()
        XCTAssertEqual(state.subjectNames(), ["a"])
        XCTAssertEqual(state.subjectNames(includeDeleted: true), ["a", "b"])
        XCTAssertEqual(try state.schema(id: 9).schema, #"{"fields":["y"]}"#)
        XCTAssertEqual(try state.config(subject: nil).compatibilityLevel, CompatibilityLevel.none)
        XCTAssertEqual(state.skippedRecords, 1)
        let result = try await Self.register(service, "a", ["z"])
        XCTAssertEqual(result, RegisterResult(id: 10, version: 2), "ids continue after the highest seen")
    }

    func testConcurrentWritesAreSerializedAndReadTheirOwnWrites() async throws {
        let log = InMemoryRegistryLog()
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        let results = try await withThrowingTaskGroup(of: RegisterResult.self) { group in
            for i in 0..<40 {
                group.addTask { try await Self.register(service, "s", ["f\(i)"]) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(Set(results.map(\.id)), Set(1...40))
        XCTAssertEqual(Set(results.map(\.version)), Set(1...40))
        let records = await log.allRecords
        XCTAssertEqual(records.count, 40)
        for result in results {
            // Each write was applied before it returned.
            let state = try await service.currentState()
            XCTAssertEqual(try state.version(subject: "s", .number(result.version)).id, result.id)
        }
    }

    func testASecondRegistryOnTheSameLogCatchesUpBeforeWriting() async throws {
        let log = InMemoryRegistryLog()
        let first = SchemaRegistryService(log: log, parse: TestSchema.parse)
        let second = SchemaRegistryService(log: log, parse: TestSchema.parse)
        _ = try await second.currentState()
        let one = try await Self.register(first, "s", ["a"])
        let again = try await Self.register(second, "s", ["a"])
        XCTAssertEqual(again, one, "the second registry saw the first one's record before deciding")
        let two = try await Self.register(second, "s", ["b"])
        XCTAssertEqual(two, RegisterResult(id: 2, version: 2))
        let count = await log.allRecords.count
        XCTAssertEqual(count, 2)
    }

    /// A log whose first read fails, as a Kafka fetch does while a partition moves.
    private actor FlakyLog: RegistryLog {
        let inner: InMemoryRegistryLog
        var failedOnce = false
        init(_ inner: InMemoryRegistryLog) { self.inner = inner }
        func append(_ records: [RegistryLogRecord]) async throws -> Int64 { try await inner.append(records) }
        func endOffset() async throws -> Int64 { try await inner.endOffset() }
        func read(from offset: Int64) async throws -> RegistryLogBatch {
            if !failedOnce {
                failedOnce = true
                throw CancellationError()
            }
            return try await inner.read(from: offset)
        }
    }

    func testFollowingAppliesAnotherRegistrysWritesAndSurvivesAFailedRead() async throws {
        let log = InMemoryRegistryLog()
        let writer = SchemaRegistryService(log: log, parse: TestSchema.parse)
        let follower = SchemaRegistryService(log: FlakyLog(log), parse: TestSchema.parse)
        let following = Task { try await follower.run() }
        defer { following.cancel() }
        _ = try await Self.register(writer, "s", ["a"])
        _ = try await Self.register(writer, "t", ["b"])
        await follower.waitUntilApplied(offset: 2)
        let state = try await follower.currentState()
        XCTAssertEqual(state.subjectNames(), ["s", "t"])
    }

    func testFollowingStopsOnCancellation() async throws {
        let log = InMemoryRegistryLog()
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        let running = Task { try await service.run() }
        _ = try await Self.register(service, "s", ["a"])
        running.cancel()
        _ = try await running.value
    }
}
