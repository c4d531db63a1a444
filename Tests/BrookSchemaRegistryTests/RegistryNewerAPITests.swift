@testable import BrookSchemaRegistry
import BrookSchemas
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import XCTest

/// Confluent's newer endpoints (metadata lookup, `format=resolved`, context deletion, GUIDs, tags
/// and associations refused) through Hummingbird's router test mode, on an in-memory log.
final class RegistryNewerAPITests: XCTestCase {
    struct Reply {
        var status: Int
        var body: String
        var json: JSONValue? { try? JSONParser.parse(body) }
        var errorCode: Int? { json?["error_code"]?.intValue }
        var message: String? { json?["message"]?.stringValue }
    }

    typealias Call = @Sendable (String, String, String?) async throws -> Reply

    /// A registry over the test schema format, or the real parsers when `parse` is nil.
    private func withRegistry(parse: SchemaParser? = TestSchema.parse, _ body: @Sendable (Call) async throws -> Void) async throws {
        let service = SchemaRegistryService(log: InMemoryRegistryLog(), parse: parse)
        let app = SchemaRegistryServer.makeApplication(host: "127.0.0.1", port: 0, service: service, kafkaClusterID: "c",
                                                       logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await body { method, uri, requestBody in
                var headers: HTTPFields = [:]
                if requestBody != nil { headers[.contentType] = "application/vnd.schemaregistry.v1+json" }
                return try await client.execute(uri: uri, method: HTTPRequest.Method(method)!, headers: headers,
                                                body: requestBody.map { ByteBuffer(string: $0) }) { response in
                    Reply(status: Int(response.status.code), body: String(buffer: response.body))
                }
            }
        }
    }

    /// A register body for a test schema with these fields, plus raw extra members.
    private static func body(_ fields: [String], extra: String = "") -> String {
        let schema = JSONValue.object([("fields", .array(fields.map(JSONValue.string)))]).compactText
        var quoted = ""
        JSONValue.writeString(schema, to: &quoted)
        return "{\"schema\":\(quoted)\(extra)}"
    }

    private static func quoted(_ text: String) -> String {
        var out = ""
        JSONValue.writeString(text, to: &out)
        return out
    }

    // MARK: GET /subjects/{s}/metadata

    func testLatestWithMetadataPicksTheNewestVersionHoldingEveryPair() async throws {
        try await withRegistry { call in
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","metadata":{"properties":{"owner":"ann","app":"x"}}"#))
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a", "b"], extra: #","metadata":{"properties":{"owner":"bob","n":7}}"#))
            // (Registered without metadata, a version inherits the previous one's, as in Confluent.)
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a", "b", "c"], extra: #","metadata":{"properties":{"owner":"cat"}}"#))

            var r = try await call("GET", "/subjects/s/metadata?key=owner&value=ann", nil)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.json?["version"]?.intValue, 1)
            XCTAssertEqual(r.json?["subject"]?.stringValue, "s")
            XCTAssertEqual(r.json?["metadata"]?.compactText, #"{"properties":{"owner":"ann","app":"x"}}"#)
            XCTAssertNotNil(r.json?["guid"]?.stringValue)
            r = try await call("GET", "/subjects/s/metadata?key=owner&value=ann&key=app&value=x", nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 1, "every pair must match")
            r = try await call("GET", "/subjects/s/metadata?key=owner&value=ann&key=app&value=y", nil)
            XCTAssertEqual(r.status, 404)
            XCTAssertEqual(r.errorCode, 40403)
            XCTAssertEqual(r.message, "Schema not found")
            r = try await call("GET", "/subjects/s/metadata?key=n&value=7", nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 2, "a number property compares as its text, as Jackson reads it")
            r = try await call("GET", "/subjects/s/metadata", nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 3, "no pairs: the newest version that has metadata at all")
            r = try await call("GET", "/subjects/s/metadata?key=owner&value=ann&key=owner&value=bob", nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 2, "a repeated key keeps its last value")
            r = try await call("GET", "/subjects/s/metadata?key=owner", nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 3, "a key without a value is ignored, as Confluent zips the lists")

            r = try await call("GET", "/subjects/nope/metadata?key=owner&value=ann", nil)
            XCTAssertEqual(r.status, 404)
            XCTAssertEqual(r.errorCode, 40401)

            _ = try await call("DELETE", "/subjects/s/versions/2", nil)
            r = try await call("GET", "/subjects/s/metadata?key=owner&value=bob", nil)
            XCTAssertEqual(r.errorCode, 40403, "soft-deleted versions are skipped")
            r = try await call("GET", "/subjects/s/metadata?key=owner&value=bob&deleted=true", nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 2)
            r = try await call("POST", "/subjects/s/metadata?key=owner&value=bob", Self.body(["a"]))
            XCTAssertEqual(r.status, 405)
        }
    }

    // MARK: format

    func testAvroResolvedFormatInlinesReferencedTypesAtFirstUse() async throws {
        try await withRegistry(parse: nil) { call in
            let address = #"{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}"#
            var r = try await call("POST", "/subjects/address/versions", "{\"schema\":\(Self.quoted(address))}")
            XCTAssertEqual(r.status, 200, r.body)
            let customer = #"{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"home","type":"Address"},"#
                + #"{"name":"work","type":["null","com.acme.Address"],"default":null}]}"#
            r = try await call("POST", "/subjects/customer/versions",
                               "{\"schema\":\(Self.quoted(customer)),\"references\":[{\"name\":\"com.acme.Address\",\"subject\":\"address\",\"version\":1}]}")
            XCTAssertEqual(r.status, 200, r.body)
            let id = try XCTUnwrap(r.json?["id"]?.intValue)

            let resolved = #"{"type":"record","name":"Customer","namespace":"com.acme","fields":[{"name":"home","type":"#
                + #"{"type":"record","name":"Address","fields":[{"name":"street","type":"string"}]}},"#
                + #"{"name":"work","type":["null","Address"],"default":null}]}"#
            r = try await call("GET", "/schemas/ids/\(id)?format=resolved", nil)
            XCTAssertEqual(r.json?["schema"]?.stringValue, resolved)
            XCTAssertEqual(r.json?["references"]?.arrayValue?.count, 1, "the references are still listed")
            let stored = try await call("GET", "/schemas/ids/\(id)", nil)
            XCTAssertEqual(r.json?["guid"], stored.json?["guid"], "the GUID is the stored schema's")
            XCTAssertNotEqual(stored.json?["schema"]?.stringValue, resolved)
            r = try await call("GET", "/subjects/customer/versions/1?format=RESOLVED", nil)
            XCTAssertEqual(r.json?["schema"]?.stringValue, resolved, "format names are case-insensitive")
            r = try await call("GET", "/subjects/customer/versions/latest/schema?format=resolved", nil)
            XCTAssertEqual(r.body, resolved)
            r = try await call("GET", "/schemas/ids/\(id)/schema?format=resolved", nil)
            XCTAssertEqual(r.body, resolved)

            r = try await call("GET", "/schemas/ids/\(id)?format=no-such-format", nil)
            XCTAssertEqual(r.status, 200, "unknown formats answer the stored text, as Confluent does")
            XCTAssertEqual(r.json?["schema"], stored.json?["schema"])
            r = try await call("GET", "/schemas/ids/1?format=resolved", nil)
            XCTAssertEqual(r.json?["schema"]?.stringValue, address, "no references: the stored text")
        }
    }

    func testResolvedFormWritesEachTypeOnceAcrossNestedReferences() throws {
        let inner = ResolvedReference(reference: SchemaReference(name: "Inner", subject: "inner", version: 1),
                                      schema: #"{"type":"enum","name":"Inner","symbols":["A","B"]}"#)
        let outer = ResolvedReference(reference: SchemaReference(name: "x.Outer", subject: "outer", version: 1),
                                      schema: #"{"type":"record","name":"x.Outer","fields":[{"name":"i","type":"Inner"}]}"#)
        let main = #"{"type":"record","name":"Main","fields":[{"name":"o","type":"x.Outer"},{"name":"i2","type":"Inner"}]}"#
        let text = try XCTUnwrap(AvroResolvedForm.resolve(main, references: [inner, outer]))
        let parsed = try SchemaFormats.parse(text, type: .avro, references: [])
        XCTAssertEqual(parsed.canonicalString,
                       #"{"type":"record","name":"Main","fields":[{"name":"o","type":{"type":"record","name":"Outer","namespace":"x","fields":"#
                       + #"[{"name":"i","type":{"type":"enum","name":"Inner","namespace":"","symbols":["A","B"]}}]}},{"name":"i2","type":"Inner"}]}"#)
    }

    func testJSONSchemaIgnoresFormats() async throws {
        try await withRegistry(parse: nil) { call in
            let schema = #"{"type":"object","properties":{"a":{"type":"string"}}}"#
            var r = try await call("POST", "/subjects/j/versions", "{\"schemaType\":\"JSON\",\"schema\":\(Self.quoted(schema))}")
            XCTAssertEqual(r.status, 200, r.body)
            let stored = try await call("GET", "/schemas/ids/1", nil)
            r = try await call("GET", "/schemas/ids/1?format=resolved", nil)
            XCTAssertEqual(r.json?["schema"], stored.json?["schema"])
        }
    }

    // MARK: /contexts

    func testDeleteContextOnlyWhenEmptyAndQualifiedSubjectsRefused() async throws {
        try await withRegistry { call in
            var r = try await call("DELETE", "/contexts/.", nil)
            XCTAssertEqual(r.status, 204)
            XCTAssertEqual(r.body, "")
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a"]))
            r = try await call("DELETE", "/contexts/.", nil)
            XCTAssertEqual(r.status, 422)
            XCTAssertEqual(r.errorCode, 42211)
            XCTAssertEqual(r.message, "The specified context '.' is not empty.")
            r = try await call("DELETE", "/contexts/.other", nil)
            XCTAssertEqual(r.status, 204, "a context holding nothing is deleted, as Confluent answers")
            r = try await call("GET", "/contexts", nil)
            XCTAssertEqual(r.body, #"["."]"#)
            r = try await call("GET", "/contexts?contextPrefix=.x", nil)
            XCTAssertEqual(r.body, "[]")
            r = try await call("GET", "/contexts?offset=1", nil)
            XCTAssertEqual(r.body, "[]")
            r = try await call("GET", "/contexts?offset=0&limit=1", nil)
            XCTAssertEqual(r.body, #"["."]"#)

            _ = try await call("DELETE", "/subjects/s", nil)
            r = try await call("DELETE", "/contexts/.", nil)
            XCTAssertEqual(r.errorCode, 42211, "soft-deleted subjects still count")
            _ = try await call("DELETE", "/subjects/s?permanent=true", nil)
            r = try await call("DELETE", "/contexts/.", nil)
            XCTAssertEqual(r.status, 204)

            r = try await call("POST", "/subjects/%3A.ctx%3As/versions", Self.body(["a"]))
            XCTAssertEqual(r.status, 422)
            XCTAssertEqual(r.errorCode, 42208)
            XCTAssertTrue(r.message?.contains("contexts are not supported") == true, r.body)
            r = try await call("GET", "/contexts/.", nil)
            XCTAssertEqual(r.status, 405)
        }
    }

    func testContextHoldingReplayedQualifiedSubjectsIsNotEmpty() throws {
        var state = RegistryState(parse: TestSchema.parse)
        state.apply(.schema(subject: ":.ctx:s", version: 1, value: SchemaRecordValue(
            subject: ":.ctx:s", version: 1, id: 1, schemaType: .avro, references: [], schema: #"{"fields":[]}"#, deleted: false)))
        assertRegistryError(42211) { () throws(RegistryError) in try state.checkContextDeletable(".ctx") }
        assertRegistryError(42211) { () throws(RegistryError) in try state.checkContextDeletable(":.ctx:") }
        XCTAssertNoThrow(try state.checkContextDeletable("."), "the default context holds no unqualified subject")
    }

    // MARK: GUIDs

    func testMD5MatchesRFC1321Vectors() {
        func hex(_ text: String) -> String {
            var md5 = MD5()
            md5.update(text)
            return md5.finish().map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        }
        XCTAssertEqual(hex(""), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(hex("abc"), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6")
        XCTAssertEqual(hex(String(repeating: "1234567890", count: 8)), "57edf4a22be3c955ac49da2e2107b67a")
        var pieces = MD5()
        let text = Array(String(repeating: "1234567890", count: 8).utf8)
        for start in stride(from: 0, to: text.count, by: 7) { pieces.update(text[start..<min(start + 7, text.count)]) }
        var whole = MD5()
        whole.update(text)
        XCTAssertEqual(pieces.finish(), whole.finish(), "fed in pieces that straddle blocks")
    }

    /// Expected values computed independently (Python's hashlib over the bytes Confluent's
    /// `updateHash` methods feed, in their order).
    func testGUIDIsConfluentsDigestOfTheSchema() {
        XCTAssertEqual(SchemaGUID(schema: #""string""#, references: [], metadata: nil, ruleSet: nil).description,
                       "095d71cf-1255-6b9d-5e33-0ad575b3df5d")
        XCTAssertEqual(SchemaGUID(schema: #"{"type":"record","name":"A","fields":[{"name":"b","type":"B"}]}"#,
                                  references: [SchemaReference(name: "B", subject: "b-value", version: 1)], metadata: nil, ruleSet: nil).description,
                       "d4c123a4-cfc4-8a50-0963-11a5b831f0ef")
        let metadata = try! JSONParser.parse(#"{"properties":{"owner":"bob","app":"x"},"tags":{"f":["PII","A"]},"sensitive":["owner"]}"#)
        let ruleSet = try! JSONParser.parse(#"{"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true","#
            + #""params":{"b":"2","a":"1"},"tags":["PII"],"disabled":true}],"enableAt":"CLIENT"}"#)
        XCTAssertEqual(SchemaGUID(schema: #""string""#, references: [], metadata: metadata, ruleSet: ruleSet).description,
                       "dd29c047-30f3-f08b-d83c-f7e7f7b6fcb1")
        XCTAssertEqual(SchemaGUID(schema: #""string""#, references: [], metadata: .object([]), ruleSet: nil).description,
                       "cecc02e2-232b-87f1-1b0c-aa0e70dbb74d", "empty metadata is not the same as none")
    }

    func testGUIDFromAStoredMD5MemberAndParsing() throws {
        let value = SchemaRecordValue(subject: "s", version: 1, id: 1, schemaType: .avro, references: [], schema: #""string""#,
                                      deleted: false, otherMembers: .object([("md5", .string("AAECAwQFBgcICQoLDA0ODw=="))]))
        XCTAssertEqual(SchemaGUID(value).description, "00010203-0405-0607-0809-0a0b0c0d0e0f")
        XCTAssertEqual(SchemaGUID(parsing: "00010203-0405-0607-0809-0A0B0C0D0E0F"), SchemaGUID(value))
        XCTAssertEqual(SchemaGUID(parsing: "000102030405060708090a0b0c0d0e0f"), SchemaGUID(value))
        XCTAssertNil(SchemaGUID(parsing: "0001020304050607-0809-0a0b0c0d0e0f"))
        XCTAssertNil(SchemaGUID(parsing: "not-a-guid"))
        XCTAssertNil(SchemaGUID(parsing: "00010203-0405-0607-0809-0a0b0c0d0e0g"))

        // A Confluent record carrying `md5` keeps that GUID through replay and is found by it.
        let record = RegistryLogRecord(
            key: Array(#"{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}"#.utf8),
            value: Array(#"{"subject":"s","version":1,"id":7,"md5":"AAECAwQFBgcICQoLDA0ODw==","schema":"{\"fields\":[]}","deleted":false}"#.utf8))
        var state = RegistryState(parse: TestSchema.parse)
        state.apply(record)
        XCTAssertEqual(try state.schemaID(guid: "00010203-0405-0607-0809-0a0b0c0d0e0f"), 7)
        XCTAssertEqual(SchemaRecordCodec.encode(try SchemaRecordCodec.decode(record)).value, record.value, "the md5 member is written back as read")
    }

    func testSchemasByGUID() async throws {
        try await withRegistry { call in
            var r = try await call("POST", "/subjects/a/versions", Self.body(["x"]))
            let guid = try XCTUnwrap(r.json?["guid"]?.stringValue)
            XCTAssertEqual(r.json?["version"]?.intValue, 1)
            r = try await call("POST", "/subjects/b/versions", Self.body(["x"]))
            XCTAssertEqual(r.json?["guid"]?.stringValue, guid, "the same schema under another subject: same id, same GUID")
            r = try await call("POST", "/subjects/c/versions", Self.body(["x"], extra: #","metadata":{"properties":{"k":"v"}}"#))
            let other = try XCTUnwrap(r.json?["guid"]?.stringValue)
            XCTAssertNotEqual(other, guid, "metadata is part of the GUID")

            r = try await call("GET", "/schemas/guids/\(guid)", nil)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.body, #"{"guid":"\#(guid)","schema":"{\"fields\":[\"x\"]}"}"#)
            r = try await call("GET", "/schemas/guids/\(guid.uppercased())", nil)
            XCTAssertEqual(r.status, 200)
            r = try await call("GET", "/schemas/guids/\(other)", nil)
            XCTAssertEqual(r.json?["metadata"]?.compactText, #"{"properties":{"k":"v"}}"#)
            r = try await call("GET", "/schemas/guids/\(guid)/ids", nil)
            XCTAssertEqual(r.body, #"[{"context":".","id":1}]"#)
            r = try await call("GET", "/schemas/ids/2", nil)
            XCTAssertEqual(r.json?["guid"]?.stringValue, other)
            r = try await call("GET", "/subjects/b/versions/1", nil)
            XCTAssertEqual(r.json?["guid"]?.stringValue, guid)
            r = try await call("POST", "/subjects/b", Self.body(["x"]))
            XCTAssertEqual(r.json?["guid"]?.stringValue, guid, "lookup answers the GUID too")

            let unknown = "00000000-0000-0000-0000-000000000000"
            r = try await call("GET", "/schemas/guids/\(unknown)", nil)
            XCTAssertEqual(r.status, 404)
            XCTAssertEqual(r.errorCode, 40403)
            XCTAssertEqual(r.message, "Schema \(unknown) not found")
            r = try await call("GET", "/schemas/guids/garbage", nil)
            XCTAssertEqual(r.errorCode, 40403)
            r = try await call("GET", "/schemas/guids/\(unknown)/ids", nil)
            XCTAssertEqual(r.body, "[]", "no schema: an empty list, not an error")

            // Hard-deleting every user of the id forgets the GUID.
            for subject in ["a", "b"] {
                _ = try await call("DELETE", "/subjects/\(subject)", nil)
                _ = try await call("DELETE", "/subjects/\(subject)?permanent=true", nil)
            }
            r = try await call("GET", "/schemas/guids/\(guid)", nil)
            XCTAssertEqual(r.errorCode, 40403)
        }
    }

    // MARK: tags and associations: refused

    func testSchemaTagsAreRefusedNotDropped() async throws {
        try await withRegistry { call in
            var r = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","schemaTagsToAdd":[{"entityPath":"a","tags":["PII"]}]"#))
            XCTAssertEqual(r.status, 422)
            XCTAssertTrue(r.message?.contains("Schema tags are not supported") == true, r.body)
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","propagateSchemaTags":true"#))
            XCTAssertEqual(r.status, 422)
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","schemaTagsToAdd":null,"schemaTagsToRemove":null"#))
            XCTAssertEqual(r.status, 200, "null members ask for nothing")
            r = try await call("POST", "/subjects/s/versions/1/tags", #"{"tagsToAdd":[{"entityPath":"a","tags":["PII"]}]}"#)
            XCTAssertEqual(r.status, 422)
            XCTAssertTrue(r.message?.contains("Schema tags are not supported") == true, r.body)
            r = try await call("GET", "/subjects/s/versions/1", nil)
            XCTAssertNil(r.json?["schemaTags"])
        }
    }

    func testAssociationsAnswerNotFoundAsAServerWithoutThem() async throws {
        try await withRegistry { call in
            for (method, path) in [("GET", "/associations/subjects/s"), ("POST", "/associations"), ("DELETE", "/associations/resources/r1")] {
                let r = try await call(method, path, method == "POST" ? "{}" : nil)
                XCTAssertEqual(r.status, 404, path)
                XCTAssertEqual(r.errorCode, 404, path)
            }
        }
    }
}
