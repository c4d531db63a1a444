@testable import BrookSchemaRegistry
import BrookSchemas
import XCTest

final class RegistryStateTests: XCTestCase {
    /// A test schema with these fields, of which `required` must be in any writer.
    private func schema(_ fields: [String], required: [String] = [], uses: [String] = []) -> String {
        var members: [(String, JSONValue)] = [("fields", .array(fields.map(JSONValue.string)))]
        if !required.isEmpty { members.append(("required", .array(required.map(JSONValue.string)))) }
        if !uses.isEmpty { members.append(("uses", .array(uses.map(JSONValue.string)))) }
        return JSONValue.object(members).compactText
    }

    func testRegisteringAssignsGlobalIdsAndVersionsAndIsIdempotent() throws {
        var h = StateHarness()
        XCTAssertEqual(try h.register("a", schema(["x"])), RegisterResult(id: 1, version: 1))
        XCTAssertEqual(try h.register("a", schema(["x", "y"])), RegisterResult(id: 2, version: 2))
        let records = h.log.count
        XCTAssertEqual(try h.register("a", schema(["x"])), RegisterResult(id: 1, version: 1), "already registered: same id, no new version")
        XCTAssertEqual(h.log.count, records, "nothing written")
        // The same schema under another subject reuses the id.
        XCTAssertEqual(try h.register("b", schema(["x"])), RegisterResult(id: 1, version: 1))
        // Whitespace differences parse to the same canonical text.
        XCTAssertEqual(try h.register("b", " {\"fields\" : [\"x\"]} "), RegisterResult(id: 1, version: 1))
        XCTAssertEqual(try h.state.subjectNames(id: 1), ["a", "b"])
        XCTAssertEqual(try h.state.subjectVersions(id: 1), [.init(subject: "a", version: 1), .init(subject: "b", version: 1)])
        XCTAssertEqual(h.state.nextID, 3)
        // Another type with the same text is another schema.
        XCTAssertEqual(try h.register("c", schema(["x"]), type: .json).id, 3)
    }

    func testTextFormattedByAnotherRegistryMatchesByCanonicalForm() throws {
        var h = StateHarness()
        h.state.apply(.schema(subject: "a", version: 1, value: SchemaRecordValue(
            subject: "a", version: 1, id: 5, schemaType: .avro, references: [], schema: #"{ "fields" : [ "x" ] }"#, deleted: false)))
        let records = h.log.count
        XCTAssertEqual(try h.register("a", schema(["x"])), RegisterResult(id: 5, version: 1), "already registered")
        XCTAssertEqual(h.log.count, records)
        XCTAssertEqual(try h.register("b", schema(["x"])), RegisterResult(id: 5, version: 1), "same id under another subject")
        XCTAssertEqual(try h.state.lookup(subject: "a", request: RegisterRequest(schema: schema(["x"])), normalize: false, includeDeleted: false).id, 5)
        XCTAssertEqual(try h.state.schema(id: 5).schema, #"{ "fields" : [ "x" ] }"#, "returned as stored")
    }

    func testInvalidSchemasAndSubjectsAreRefused() {
        var h = StateHarness()
        assertRegistryError(42201) { () throws(RegistryError) in try h.register("a", "not json") }
        assertRegistryError(42201) { () throws(RegistryError) in try h.register("a", "") }
        assertRegistryError(42208) { () throws(RegistryError) in try h.register("", schema(["x"])) }
        assertRegistryError(42208) { () throws(RegistryError) in try h.register("bad\u{01}", schema(["x"])) }
        assertRegistryError(42208) { () throws(RegistryError) in try h.state.versionNumbers(subject: "__GLOBAL") }
    }

    func testCompatibilityUsesSubjectLevelElseGlobalElseBackward() throws {
        var h = StateHarness()
        try h.register("a", schema(["x"]))
        // BACKWARD: the new schema (reader) needs y, which version 1 (writer) lacks.
        assertRegistryError(40901) { () throws(RegistryError) in try h.register("a", schema(["x", "y"], required: ["y"])) }
        do {
            _ = try h.register("a", schema(["x", "y"], required: ["y"]))
        } catch {
            XCTAssertTrue(error.message.contains("READER_FIELD_MISSING_DEFAULT_VALUE"), error.message)
            XCTAssertTrue(error.message.contains("{oldSchemaVersion: 1}, {oldSchema: '{\"fields\":[\"x\"]}'}, {validateFields: 'false', compatibility: 'BACKWARD'}]"), error.message)
            XCTAssertTrue(error.message.hasPrefix("Schema being registered is incompatible with an earlier schema for subject \"a\""))
        }
        try h.run { s throws(RegistryError) in try s.setConfig(subject: nil, compatibility: CompatibilityLevel.none, otherMembers: .object([])) }
        XCTAssertEqual(try h.register("a", schema(["x", "y"], required: ["y"])).version, 2)
        try h.run { s throws(RegistryError) in try s.setConfig(subject: "a", compatibility: .forward, otherMembers: .object([])) }
        // FORWARD: the old schema (v2, needs y) reads data written with the new one, which lacks y.
        assertRegistryError(40901) { () throws(RegistryError) in try h.register("a", schema(["x", "z"])) }
        XCTAssertEqual(try h.register("a", schema(["x"])).version, 1, "re-registering version 1 needs no check")
        XCTAssertEqual(try h.state.config(subject: "a").compatibilityLevel, .forward)
        XCTAssertEqual(try h.state.config(subject: nil).compatibilityLevel, CompatibilityLevel.none)
    }

    func testTransitiveLevelsCheckEveryLiveVersion() throws {
        var h = StateHarness()
        try h.run { s throws(RegistryError) in try s.setConfig(subject: "a", compatibility: .backwardTransitive, otherMembers: .object([])) }
        try h.register("a", schema(["x"]))
        try h.register("a", schema(["x", "y"]))
        // Compatible with v2 (has y) but not with v1.
        assertRegistryError(40901) { () throws(RegistryError) in try h.register("a", schema(["y"], required: ["y"])) }
        // Once v1 is soft-deleted it no longer counts.
        try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "a", version: .number(1), permanent: false) }
        XCTAssertEqual(try h.register("a", schema(["y"], required: ["y"])).version, 3)
    }

    func testSoftThenPermanentVersionDelete() throws {
        var h = StateHarness()
        try h.register("a", schema(["x"]))
        try h.register("a", schema(["y"]))
        assertRegistryError(40407) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "a", version: .number(2), permanent: true) } }
        XCTAssertEqual(try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "a", version: .latest, permanent: false) }, 2)
        assertRegistryError(40406) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "a", version: .number(2), permanent: false) } }
        XCTAssertEqual(try h.state.versionNumbers(subject: "a"), [1])
        XCTAssertEqual(try h.state.versionNumbers(subject: "a", includeDeleted: true), [1, 2])
        XCTAssertEqual(try h.state.versionNumbers(subject: "a", deletedOnly: true), [2])
        assertRegistryError(40402) { () throws(RegistryError) in try h.state.version(subject: "a", .number(2)) }
        XCTAssertEqual(try h.state.version(subject: "a", .number(2), includeDeleted: true).id, 2)
        XCTAssertEqual(try h.state.version(subject: "a", .latest).version, 1)
        // Numbers continue after a soft delete; re-registering the deleted schema makes a new version, same id.
        XCTAssertEqual(try h.register("a", schema(["y"])), RegisterResult(id: 2, version: 3))
        XCTAssertEqual(try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "a", version: .number(2), permanent: true) }, 2)
        XCTAssertEqual(try h.state.versionNumbers(subject: "a", includeDeleted: true), [1, 3])
        assertRegistryError(40402) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "a", version: .number(2), permanent: true) } }
        assertRegistryError(40401) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "zz", version: .number(1), permanent: false) } }
    }

    func testSubjectDeleteSoftThenPermanentAndIdsAreNeverReused() throws {
        var h = StateHarness()
        try h.register("a", schema(["x"]))
        try h.register("a", schema(["y"]))
        try h.run { s throws(RegistryError) in try s.setConfig(subject: "a", compatibility: .full, otherMembers: .object([])) }
        assertRegistryError(40405) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "a", permanent: true) } }
        XCTAssertEqual(try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "a", permanent: false) }, [1, 2])
        XCTAssertEqual(h.state.subjectNames(), [])
        XCTAssertEqual(h.state.subjectNames(includeDeleted: true), ["a"])
        assertRegistryError(40401) { () throws(RegistryError) in try h.state.versionNumbers(subject: "a") }
        assertRegistryError(40404) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "a", permanent: false) } }
        XCTAssertEqual(try h.state.schema(id: 1).schema, schema(["x"]), "soft-deleted schemas are still found by id")
        XCTAssertEqual(try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "a", permanent: true) }, [1, 2])
        assertRegistryError(40403) { () throws(RegistryError) in try h.state.schema(id: 1) }
        assertRegistryError(40401) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "a", permanent: true) } }
        assertRegistryError(40408) { () throws(RegistryError) in try h.state.config(subject: "a") }
        XCTAssertEqual(try h.register("a", schema(["x"])), RegisterResult(id: 3, version: 1), "ids never reused")
    }

    func testDeleteSubjectRecordFromAnotherRegistrySoftDeletesUpToItsVersion() throws {
        var h = StateHarness()
        try h.register("a", schema(["x"]))
        try h.register("a", schema(["y"]))
        try h.register("a", schema(["z"]))
        h.state.apply(SchemaRecordCodec.encode(.deleteSubject(subject: "a", version: 2)))
        XCTAssertEqual(try h.state.versionNumbers(subject: "a"), [3])
    }

    func testReferencesResolveTransitivelyAndBlockDeletes() throws {
        var h = StateHarness()
        try h.register("base", schema(["b"]))
        try h.register("mid", schema(["m"], uses: ["base.x"]), references: [SchemaReference(name: "base.x", subject: "base", version: 1)])
        let top = SchemaReference(name: "mid.x", subject: "mid", version: 1)
        XCTAssertEqual(try h.state.resolve([top]).map(\.reference.name), ["base.x", "mid.x"], "dependencies first")
        let id = try h.register("top", schema(["t"], uses: ["mid.x"]), references: [top]).id
        XCTAssertEqual(try h.state.referencedBy(subject: "mid", .number(1)), [id])
        XCTAssertEqual(try h.state.version(subject: "top", .latest).references, [top])
        assertRegistryError(42201) { () throws(RegistryError) in
            try h.register("bad", schema(["t"]), references: [SchemaReference(name: "n", subject: "nope", version: 1)])
        }
        assertRegistryError(42201) { () throws(RegistryError) in try h.register("bad", schema(["t"], uses: ["unresolved"])) }
        assertRegistryError(42206) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "mid", version: .number(1), permanent: false) } }
        assertRegistryError(42206) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "base", permanent: false) } }
        try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "top", permanent: false) }
        XCTAssertEqual(try h.state.referencedBy(subject: "mid", .number(1)), [])
        XCTAssertEqual(try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "mid", version: .number(1), permanent: false) }, 1)
    }

    func testReadOnlyAndImportModes() throws {
        var h = StateHarness()
        try h.run { s throws(RegistryError) in try s.setMode(subject: nil, mode: .import, force: false) }
        assertRegistryError(42205) { () throws(RegistryError) in try h.register("a", schema(["x"])) }
        XCTAssertEqual(try h.run { s throws(RegistryError) in
            try s.register(subject: "a", request: RegisterRequest(schema: schema(["x"]), id: 42, version: 5), normalize: false)
        }, RegisterResult(id: 42, version: 5))
        // IMPORT skips compatibility. Taking another schema's id is 42205 (Confluent's "Overwrite ...
        // not permitted"); the same schema under another id is 42207.
        assertRegistryError(42205) { () throws(RegistryError) in
            try h.run { s throws(RegistryError) in try s.register(subject: "a", request: RegisterRequest(schema: schema(["y"]), id: 42), normalize: false) }
        }
        assertRegistryError(42207) { () throws(RegistryError) in
            try h.run { s throws(RegistryError) in try s.register(subject: "a", request: RegisterRequest(schema: schema(["x"]), id: 43), normalize: false) }
        }
        XCTAssertEqual(try h.run { s throws(RegistryError) in
            try s.register(subject: "b", request: RegisterRequest(schema: schema(["y"], required: ["q"]), id: 7), normalize: false)
        }, RegisterResult(id: 7, version: 1))
        XCTAssertEqual(h.state.nextID, 43)
        // Switching an occupied registry to IMPORT needs force.
        try h.run { s throws(RegistryError) in try s.setMode(subject: nil, mode: .readWrite, force: false) }
        assertRegistryError(42205) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.setMode(subject: nil, mode: .import, force: false) } }
        assertRegistryError(42205) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.setMode(subject: "a", mode: .import, force: false) } }
        try h.run { s throws(RegistryError) in try s.setMode(subject: "a", mode: .import, force: true) }
        XCTAssertEqual(try h.state.mode(subject: "a"), .import)
        // An id outside IMPORT mode is refused.
        assertRegistryError(42205) { () throws(RegistryError) in
            try h.run { s throws(RegistryError) in try s.register(subject: "b", request: RegisterRequest(schema: schema(["z"]), id: 9), normalize: false) }
        }
        XCTAssertEqual(try h.register("b", schema(["z"])).id, 43)
        assertRegistryError(42205) { () throws(RegistryError) in try h.register("a", schema(["z"])) }
        try h.run { s throws(RegistryError) in try s.setMode(subject: "b", mode: .readOnly, force: false) }
        assertRegistryError(42205) { () throws(RegistryError) in try h.register("b", schema(["w"])) }
        assertRegistryError(42205) { () throws(RegistryError) in try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "b", permanent: false) } }
        XCTAssertEqual(try h.run { s throws(RegistryError) in try s.deleteMode(subject: "b") }, .readOnly)
        assertRegistryError(40409) { () throws(RegistryError) in try h.state.mode(subject: "b") }
        XCTAssertEqual(try h.state.mode(subject: "b", defaultToGlobal: true), .readWrite)
    }

    func testEnteringImportModeDeletesSoftDeletedLeftoversPermanently() throws {
        var h = StateHarness()
        try h.register("a", schema(["x"]))
        try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "a", permanent: false) }
        try h.run { s throws(RegistryError) in try s.setMode(subject: nil, mode: .import, force: false) }
        XCTAssertEqual(h.state.subjectNames(includeDeleted: true), [])
        XCTAssertEqual(try h.run { s throws(RegistryError) in
            try s.register(subject: "a", request: RegisterRequest(schema: schema(["y"]), id: 1, version: 1), normalize: false)
        }, RegisterResult(id: 1, version: 1))
    }

    func testNormalizeStoresTheNormalizedFormAndLookupFindsIt() throws {
        var h = StateHarness()
        let text = #"{"required":[],"fields":["b","a"]}"#
        try h.register("a", text, normalize: true)
        XCTAssertEqual(try h.state.version(subject: "a", .latest).schema, #"{"fields":["b","a"],"required":[]}"#)
        let found = try h.state.lookup(subject: "a", request: RegisterRequest(schema: text), normalize: true, includeDeleted: false)
        XCTAssertEqual(found.version, 1)
        assertRegistryError(40403) { () throws(RegistryError) in
            try h.state.lookup(subject: "a", request: RegisterRequest(schema: schema(["q"])), normalize: false, includeDeleted: false)
        }
        assertRegistryError(40401) { () throws(RegistryError) in
            try h.state.lookup(subject: "nope", request: RegisterRequest(schema: text), normalize: false, includeDeleted: false)
        }
    }

    func testMetadataAndRuleSetAreStoredReturnedAndPartOfTheIdentity() throws {
        var h = StateHarness()
        let metadata = JSONValue.object([("properties", .object([("owner", .string("team"))]))])
        let result = try h.run { s throws(RegistryError) in
            try s.register(subject: "a", request: RegisterRequest(schema: schema(["x"]), metadata: metadata, ruleSet: .object([])), normalize: false)
        }
        XCTAssertEqual(try h.state.schema(id: result.id).metadata, metadata)
        XCTAssertEqual(try h.state.schema(id: result.id).ruleSet, .object([]))
        XCTAssertEqual(try h.register("a", schema(["x"])).id, result.id, "without metadata it inherits the subject's, as in Confluent")
        XCTAssertEqual(try h.register("b", schema(["x"])).id, 2, "without metadata elsewhere it is another schema")
        XCTAssertEqual(h.replayed().allVersions().map(\.otherMembers), h.state.allVersions().map(\.otherMembers))
    }

    func testCompatibilityChecks() throws {
        var h = StateHarness()
        try h.register("a", schema(["x"]))
        try h.register("a", schema(["x", "y"]))
        let needsY = RegisterRequest(schema: schema(["y"], required: ["y"]))
        XCTAssertTrue(try h.state.checkCompatibility(subject: "a", version: .latest, request: needsY, normalize: false).isCompatible)
        let againstOne = try h.state.checkCompatibility(subject: "a", version: .number(1), request: needsY, normalize: false)
        XCTAssertFalse(againstOne.isCompatible)
        XCTAssertEqual(againstOne.messages.suffix(2), ["{oldSchema: '{\"fields\":[\"x\"]}'}", "{validateFields: 'false', compatibility: 'BACKWARD'}"])
        XCTAssertTrue(try h.state.checkCompatibility(subject: "a", version: nil, request: needsY, normalize: false).isCompatible,
                      "BACKWARD looks at the latest only, also on the all-versions endpoint")
        try h.run { s throws(RegistryError) in try s.setConfig(subject: "a", compatibility: .backwardTransitive, otherMembers: .object([])) }
        XCTAssertFalse(try h.state.checkCompatibility(subject: "a", version: nil, request: needsY, normalize: false).isCompatible)
        let invalid = try h.state.checkCompatibility(subject: "a", version: .latest, request: RegisterRequest(schema: "x"), normalize: false, verbose: true)
        XCTAssertEqual(invalid, CompatibilityResult(isCompatible: false, messages: ["not a test schema: x"]))
        XCTAssertTrue(try h.state.checkCompatibility(subject: "new", version: .latest, request: needsY, normalize: false).isCompatible)
        assertRegistryError(40402) { () throws(RegistryError) in try h.state.checkCompatibility(subject: "new", version: .number(1), request: needsY, normalize: false) }
        assertRegistryError(40402) { () throws(RegistryError) in try h.state.checkCompatibility(subject: "a", version: .number(9), request: needsY, normalize: false) }
        assertRegistryError(42201) { () throws(RegistryError) in try h.state.checkCompatibility(subject: "a", version: .latest, request: RegisterRequest(schema: "x"), normalize: false) }
    }

    func testVersionSelectorParsing() throws {
        XCTAssertEqual(try VersionSelector(parsing: "latest"), .latest)
        XCTAssertEqual(try VersionSelector(parsing: "-1"), .latest)
        XCTAssertEqual(try VersionSelector(parsing: "2147483647"), .number(2_147_483_647))
        for bad in ["0", "-2", "2147483648", "x", ""] {
            assertRegistryError(42202) { () throws(RegistryError) in try VersionSelector(parsing: bad) }
        }
    }

    func testReplayOfTheLogReachesTheSameState() throws {
        var h = StateHarness()
        try h.register("a", schema(["x"]))
        try h.register("a", schema(["x", "y"]))
        try h.register("b", schema(["x"]))
        try h.run { s throws(RegistryError) in try s.deleteVersion(subject: "a", version: .number(1), permanent: false) }
        try h.run { s throws(RegistryError) in try s.setConfig(subject: "b", compatibility: .full, otherMembers: .object([("normalize", .bool(true))])) }
        try h.run { s throws(RegistryError) in try s.deleteSubject(subject: "b", permanent: false) }
        try h.run { s throws(RegistryError) in try s.setMode(subject: "b", mode: .readOnly, force: false) }
        let fresh = h.replayed()
        XCTAssertEqual(fresh.allVersions(includeDeleted: true), h.state.allVersions(includeDeleted: true))
        XCTAssertEqual(fresh.nextID, h.state.nextID)
        XCTAssertEqual(try fresh.config(subject: "b"), try h.state.config(subject: "b"))
        XCTAssertEqual(try fresh.mode(subject: "b"), .readOnly)
        XCTAssertEqual(fresh.skippedRecords, 0)
        var withJunk = fresh
        withJunk.apply(RegistryLogRecord(key: Array("garbage".utf8), value: nil))
        XCTAssertEqual(withJunk.skippedRecords, 1)
    }
}
