@testable import BrookSchemaRegistry
import BrookSchemas
import XCTest

/// A registry that stays the log's only writer decides without reading the log first; one whose
/// tenure began again (another registry wrote meanwhile) catches up before deciding.
final class RegistryWriterTenureTests: XCTestCase {
    /// An in-memory log that answers `prepareWrite` from a script and counts catch-ups.
    private actor ScriptedTenureLog: RegistryLog {
        let inner = InMemoryRegistryLog()
        var tenures: [RegistryWriterTenure]
        var endOffsetCalls = 0

        init(tenures: [RegistryWriterTenure]) { self.tenures = tenures }

        func prepareWrite() async throws -> RegistryWriterTenure { tenures.isEmpty ? .continued : tenures.removeFirst() }
        func append(_ records: [RegistryLogRecord]) async throws -> Int64 { try await inner.append(records) }
        func read(from offset: Int64) async throws -> RegistryLogBatch { try await inner.read(from: offset) }
        func endOffset() async throws -> Int64 {
            endOffsetCalls += 1
            return try await inner.endOffset()
        }
    }

    private static func register(_ service: SchemaRegistryService, _ subject: String, _ field: String) async throws -> RegisterResult {
        let text = JSONValue.object([("fields", .array([.string(field)]))]).compactText
        return try await service.write { state throws(RegistryError) in
            try state.register(subject: subject, request: RegisterRequest(schema: text), normalize: false)
        }
    }

    func testAContinuingWriterSkipsTheCatchUp() async throws {
        let log = ScriptedTenureLog(tenures: [.began])
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        for i in 1...5 {
            let result = try await Self.register(service, "s\(i)", "f\(i)")
            XCTAssertEqual(result, RegisterResult(id: i, version: 1))
        }
        let catchUps = await log.endOffsetCalls
        XCTAssertEqual(catchUps, 1, "only the write that began the tenure read the log's end")
        let state = try await service.currentState()
        XCTAssertEqual(state.subjectNames(), ["s1", "s2", "s3", "s4", "s5"])
    }

    func testATenureThatBeganAgainSeesTheOtherRegistrysWrites() async throws {
        let log = ScriptedTenureLog(tenures: [.began, .began])
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        _ = try await Self.register(service, "mine", "a")
        // Another registry takes over and writes (its records land in the same log); the real log
        // would then fence this registry's producer, so its next tenure begins again.
        let other = SchemaRegistryService(log: log.inner, parse: TestSchema.parse)
        let theirs = try await Self.register(other, "theirs", "b")
        XCTAssertEqual(theirs, RegisterResult(id: 2, version: 1))
        let again = try await Self.register(service, "theirs", "b")
        XCTAssertEqual(again, theirs, "the registry caught up before deciding: same id, no new version")
        let catchUps = await log.endOffsetCalls
        XCTAssertEqual(catchUps, 2)
    }

    func testASharedLogIsReadBeforeEveryWrite() async throws {
        let log = ScriptedTenureLog(tenures: Array(repeating: .shared, count: 3))
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        for i in 1...3 { _ = try await Self.register(service, "s\(i)", "f") }
        let catchUps = await log.endOffsetCalls
        XCTAssertEqual(catchUps, 3)
    }
}
