import BrookSchemas
import XCTest
@testable import BrookConnect

/// The sink cases both SQL databases must pass, run by `PostgresSinkTests` and `SQLiteSinkTests`
/// against a real server or file (`url`).
struct JDBCSinkScenarios {
    let url: String

    func open() async throws -> any SQLSession {
        try await SQLSessions.open(url: url, user: nil, password: nil)
    }

    func started(_ extra: [String: String], context: FakeSinkContext = FakeSinkContext()) async throws -> JDBCSinkTask {
        let task = JDBCSinkTask()
        var config = ["connection.url": url, "auto.create": "true"]
        config.merge(extra) { $1 }
        try await task.start(config: config, context: context)
        return task
    }

    func insertCreatesTheTableAndWritesRows() async throws {
        let table = SQLTestRecords.uniqueTable("ins")
        let task = try await started(["pk.mode": "record_value", "pk.fields": "id"])
        try await task.put((1...3).map { SQLTestRecords.user($0, "u\($0)", score: Int32($0) * 10, topic: table, offset: $0) })
        try await task.flush()
        await task.stop()
        let session = try await open()
        let rows = try await textRows(session, "SELECT id, name, score FROM \(table) ORDER BY id")
        XCTAssertEqual(rows, [["1", "u1", "10"], ["2", "u2", "20"], ["3", "u3", "30"]])
        let awaited1 = try await session.primaryKey(of: SQLTableID(table: table))
        XCTAssertEqual(awaited1, ["id"])
        await session.close()
    }

    func upsertKeepsTheLastValuePerKey() async throws {
        let table = SQLTestRecords.uniqueTable("ups")
        let task = try await started(["pk.mode": "record_value", "pk.fields": "id", "insert.mode": "upsert"])
        try await task.put([SQLTestRecords.user(1, "a", topic: table), SQLTestRecords.user(2, "b", topic: table),
                            SQLTestRecords.user(1, "a2", score: 5, topic: table)])
        try await task.flush()
        try await task.put([SQLTestRecords.user(2, "b2", topic: table)])
        try await task.flush()
        await task.stop()
        let session = try await open()
        let awaited2 = try await textRows(session, "SELECT id, name, score FROM \(table) ORDER BY id")
        XCTAssertEqual(awaited2,
                       [["1", "a2", "5"], ["2", "b2", "null"]])
        await session.close()
    }

    func updateChangesOnlyExistingRows() async throws {
        let table = SQLTestRecords.uniqueTable("upd")
        let insert = try await started(["pk.mode": "record_value", "pk.fields": "id"])
        try await insert.put([SQLTestRecords.user(1, "a", topic: table)])
        try await insert.flush()
        await insert.stop()
        let update = try await started(["pk.mode": "record_value", "pk.fields": "id", "insert.mode": "update"])
        try await update.put([SQLTestRecords.user(1, "changed", score: 7, topic: table), SQLTestRecords.user(9, "absent", topic: table)])
        try await update.flush()
        await update.stop()
        let session = try await open()
        let awaited3 = try await textRows(session, "SELECT id, name, score FROM \(table) ORDER BY id")
        XCTAssertEqual(awaited3, [["1", "changed", "7"]])
        await session.close()
    }

    func tombstonesDeleteByKey() async throws {
        let table = SQLTestRecords.uniqueTable("del")
        let task = try await started(["pk.mode": "record_key", "pk.fields": "id", "insert.mode": "upsert", "delete.enabled": "true"])
        try await task.put([SQLTestRecords.user(1, "a", topic: table), SQLTestRecords.user(2, "b", topic: table),
                            SQLTestRecords.tombstone(1, topic: table), SQLTestRecords.user(3, "c", topic: table)])
        try await task.flush()
        await task.stop()
        let session = try await open()
        let awaited4 = try await textRows(session, "SELECT id, name FROM \(table) ORDER BY id")
        XCTAssertEqual(awaited4, [["2", "b"], ["3", "c"]])
        await session.close()
    }

    func autoEvolveAddsOptionalColumnsAndRefusesRequiredOnes() async throws {
        let table = SQLTestRecords.uniqueTable("evo")
        let task = try await started(["pk.mode": "record_value", "pk.fields": "id", "auto.evolve": "true"])
        try await task.put([SQLTestRecords.user(1, "a", topic: table)])
        try await task.flush()
        let wider = try ConnectSchema.struct(name: "user", [("id", .int64), ("name", .optionalString), ("score", .optionalInt32),
                                                            ("email", .optionalString)])
        var value = try ConnectStruct(schema: wider)
        try value.put("id", .int64(2))
        try value.put("email", .string("b@example.org"))
        try await task.put([ConnectRecord(topic: table, valueSchema: wider, value: .struct(value))])
        try await task.flush()
        let session = try await open()
        let awaited5 = try await textRows(session, "SELECT id, email FROM \(table) ORDER BY id")
        XCTAssertEqual(awaited5, [["1", "null"], ["2", "b@example.org"]])

        let required = try ConnectSchema.struct(name: "user", [("id", .int64), ("rank", .int32)])
        var bad = try ConnectStruct(schema: required)
        try bad.put("id", .int64(3))
        try bad.put("rank", .int32(1))
        try await task.put([ConnectRecord(topic: table, valueSchema: required, value: .struct(bad))])
        do {
            try await task.flush()
            XCTFail("a required new field must not be added")
        } catch {
            XCTAssertTrue("\(error)".contains("Cannot ALTER TABLE"), "\(error)")
            XCTAssertTrue("\(error)".contains("rank"), "\(error)")
        }
        await task.stop()

        let strict = try await started(["pk.mode": "record_value", "pk.fields": "id"])
        try await strict.put([ConnectRecord(topic: table, valueSchema: required, value: .struct(bad))])
        do {
            try await strict.flush()
            XCTFail("auto.evolve=false must refuse a missing column")
        } catch {
            XCTAssertTrue("\(error)".contains("auto-evolution is disabled"), "\(error)")
        }
        await strict.stop()
        await session.close()
    }

    func aBadRowIsReportedWhileTheOthersLand(checkTable: String, errorMentions: String) async throws {
        let table = SQLTestRecords.uniqueTable("bad")
        let session = try await open()
        try await session.execute(checkTable.replacingOccurrences(of: "$TABLE", with: table), [])
        let context = FakeSinkContext()
        let task = try await started(["pk.mode": "record_value", "pk.fields": "id"], context: context)
        let records = [SQLTestRecords.user(1, "a", score: 1, topic: table), SQLTestRecords.user(2, "b", score: -5, topic: table, offset: 7),
                       SQLTestRecords.user(3, "c", score: 3, topic: table)]
        try await task.put(records)
        try await task.flush()
        await task.stop()
        let awaited6 = try await textRows(session, "SELECT id FROM \(table) ORDER BY id")
        XCTAssertEqual(awaited6, [["1"], ["3"]])
        XCTAssertEqual(context.errant.map(\.record.kafkaOffset), [7])
        XCTAssertTrue(context.errant.first?.error.contains(errorMentions) == true, "\(context.errant)")
        await session.close()
    }

    func fullBatchesAreWrittenBeforeFlush() async throws {
        let table = SQLTestRecords.uniqueTable("bat")
        let task = try await started(["pk.mode": "record_value", "pk.fields": "id", "batch.size": "2"])
        try await task.put((1...5).map { SQLTestRecords.user($0, nil, topic: table) })
        let session = try await open()
        let awaited7 = try await textRows(session, "SELECT COUNT(*) FROM \(table)")
        XCTAssertEqual(awaited7, [["4"]])
        try await task.flush()
        let awaited8 = try await textRows(session, "SELECT COUNT(*) FROM \(table)")
        XCTAssertEqual(awaited8, [["5"]])
        await task.stop()
        await session.close()
    }

    func schemalessMapsGetColumnsFromTheirValues() async throws {
        let table = SQLTestRecords.uniqueTable("map")
        let task = try await started(["pk.mode": "record_value", "pk.fields": "id", "insert.mode": "upsert"])
        let value = ConnectValue.stringMap([("id", .int64(4)), ("label", .string("x")), ("ok", .boolean(true))])
        try await task.put([ConnectRecord(topic: table, value: value)])
        try await task.flush()
        await task.stop()
        let session = try await open()
        let awaited9 = try await textRows(session, "SELECT id, label FROM \(table)")
        XCTAssertEqual(awaited9, [["4", "x"]])
        await session.close()
    }
}

extension JDBCSinkScenarios {
    func aTombstoneForAMissingTableIsNothingToDelete() async throws {
        let table = SQLTestRecords.uniqueTable("gone")
        let task = try await started(["pk.mode": "record_key", "pk.fields": "id", "delete.enabled": "true", "insert.mode": "upsert"])
        try await task.put([SQLTestRecords.tombstone(1, topic: table)])
        try await task.flush()
        try await task.put([SQLTestRecords.user(2, "b", topic: table), SQLTestRecords.tombstone(2, topic: table)])
        try await task.flush()
        await task.stop()
        let session = try await open()
        let rows = try await textRows(session, "SELECT COUNT(*) FROM \(table)")
        XCTAssertEqual(rows, [["0"]])
        await session.close()
    }
}
