@testable import BrookSchemaRegistry
import BrookSchemas
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import XCTest

/// Every endpoint and error code through Hummingbird's router test mode (no sockets), on an
/// in-memory log and the test schema format.
final class RegistryHTTPTests: XCTestCase {
    struct Reply {
        var status: Int
        var body: String
        var contentType: String?
        var json: JSONValue? { try? JSONParser.parse(body) }
        var errorCode: Int? { json?["error_code"]?.intValue }
    }

    private static let vnd = "application/vnd.schemaregistry.v1+json"

    private func withRegistry(log: InMemoryRegistryLog = InMemoryRegistryLog(),
                              _ body: @Sendable (@escaping @Sendable (String, String, String?, String?) async throws -> Reply) async throws -> Void) async throws {
        let service = SchemaRegistryService(log: log, parse: TestSchema.parse)
        let app = SchemaRegistryServer.makeApplication(host: "127.0.0.1", port: 0, service: service, kafkaClusterID: "cluster-1",
                                                       logger: Logger(label: "test"))
        try await app.test(.router) { client in
            try await body { method, uri, requestBody, contentType in
                var headers: HTTPFields = [:]
                if requestBody != nil { headers[.contentType] = contentType ?? Self.vnd }
                return try await client.execute(uri: uri, method: HTTPRequest.Method(method)!, headers: headers,
                                                body: requestBody.map { ByteBuffer(string: $0) }) { response in
                    Reply(status: Int(response.status.code), body: String(buffer: response.body), contentType: response.headers[.contentType])
                }
            }
        }
    }

    /// A register/lookup body for a test schema with these fields.
    private static func body(_ fields: [String], required: [String] = [], extra: String = "") -> String {
        let schema = JSONValue.object([("fields", .array(fields.map(JSONValue.string))), ("required", .array(required.map(JSONValue.string)))]).compactText
        var out = ""
        JSONValue.writeString(schema, to: &out)
        return "{\"schema\":\(out)\(extra)}"
    }

    func testRegisterGetAndListWithConfluentShapes() async throws {
        try await withRegistry { call in
            var r = try await call("POST", "/subjects/orders-value/versions", Self.body(["a"]), nil)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.json?["id"]?.intValue, 1)
            XCTAssertEqual(r.contentType, Self.vnd)
            r = try await call("POST", "/subjects/orders-value/versions?normalize=false", Self.body(["a", "b"]), "application/json; charset=utf-8")
            XCTAssertEqual(r.json?["id"]?.intValue, 2)
            r = try await call("POST", "/subjects/orders-value/versions", Self.body(["a"]), "application/vnd.schemaregistry+json")
            XCTAssertEqual(r.json?["id"]?.intValue, 1, "already registered")
            r = try await call("GET", "/subjects", nil, nil)
            XCTAssertEqual(r.body, #"["orders-value"]"#)
            r = try await call("GET", "/subjects/orders-value/versions", nil, nil)
            XCTAssertEqual(r.body, "[1,2]")
            r = try await call("GET", "/subjects/orders-value/versions/latest", nil, nil)
            XCTAssertEqual(r.body, #"{"subject":"orders-value","version":2,"id":2,"guid":"2338fd06-cb8f-0d10-394d-147c1382e58b","schema":"{\"fields\":[\"a\",\"b\"],\"required\":[]}"}"#)
            r = try await call("GET", "/subjects/orders-value/versions/-1", nil, nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 2)
            r = try await call("GET", "/subjects/orders-value/versions/1/schema", nil, nil)
            XCTAssertEqual(r.body, #"{"fields":["a"],"required":[]}"#)
            r = try await call("GET", "/schemas/ids/1", nil, nil)
            XCTAssertEqual(r.body, #"{"guid":"ddeea138-7663-134d-ae5a-ddb9d7937c58","schema":"{\"fields\":[\"a\"],\"required\":[]}"}"#)
            r = try await call("GET", "/schemas/ids/1?subject=orders-value&format=", nil, nil)
            XCTAssertEqual(r.status, 200)
            r = try await call("GET", "/schemas/ids/1/schema", nil, nil)
            XCTAssertEqual(r.body, #"{"fields":["a"],"required":[]}"#)
            r = try await call("GET", "/schemas/ids/1/subjects", nil, nil)
            XCTAssertEqual(r.body, #"["orders-value"]"#)
            r = try await call("GET", "/schemas/ids/1/versions", nil, nil)
            XCTAssertEqual(r.body, #"[{"subject":"orders-value","version":1}]"#)
            r = try await call("GET", "/schemas/types", nil, nil)
            XCTAssertEqual(r.body, #"["JSON","PROTOBUF","AVRO"]"#)
            r = try await call("GET", "/schemas?subjectPrefix=orders&latestOnly=true", nil, nil)
            XCTAssertEqual(r.json?.arrayValue?.map { $0["version"]?.intValue }, [2])
            r = try await call("GET", "/schemas?offset=1&limit=5", nil, nil)
            XCTAssertEqual(r.json?.arrayValue?.count, 1)
            r = try await call("POST", "/subjects/orders-value", Self.body(["a", "b"]), nil)
            XCTAssertEqual(r.json?["version"]?.intValue, 2)
            XCTAssertEqual(r.json?["id"]?.intValue, 2)
            r = try await call("GET", "/", nil, nil)
            XCTAssertEqual(r.body, "{}")
            r = try await call("GET", "/contexts", nil, nil)
            XCTAssertEqual(r.body, #"["."]"#)
            r = try await call("GET", "/v1/metadata/id", nil, nil)
            XCTAssertEqual(r.body, #"{"scope":{"path":[],"clusters":{"kafka-cluster":"cluster-1","schema-registry-cluster":"schema-registry"}}}"#)
        }
    }

    func testSchemaTypeReferencesMetadataAndRuleSetAreReturned() async throws {
        try await withRegistry { call in
            var r = try await call("POST", "/subjects/base/versions", Self.body(["b"], extra: #","schemaType":"PROTOBUF""#), nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 1)
            r = try await call("POST", "/subjects/top/versions",
                               Self.body(["t"], extra: #","schemaType":"PROTOBUF","references":[{"name":"b.proto","subject":"base","version":1}],"metadata":{"properties":{"owner":"me"}},"ruleSet":{"domainRules":[]}"#), nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 2)
            r = try await call("GET", "/subjects/top/versions/1", nil, nil)
            XCTAssertEqual(r.json?["schemaType"]?.stringValue, "PROTOBUF")
            XCTAssertEqual(r.json?["references"]?.compactText, #"[{"name":"b.proto","subject":"base","version":1}]"#)
            XCTAssertEqual(r.json?["metadata"]?.compactText, #"{"properties":{"owner":"me"}}"#)
            XCTAssertEqual(r.json?["ruleSet"]?.compactText, #"{"domainRules":[]}"#)
            r = try await call("GET", "/schemas/ids/2", nil, nil)
            XCTAssertEqual(r.json?["metadata"]?.compactText, #"{"properties":{"owner":"me"}}"#)
            XCTAssertEqual(r.json?["schemaType"]?.stringValue, "PROTOBUF")
            r = try await call("GET", "/subjects/base/versions/1/referencedby", nil, nil)
            XCTAssertEqual(r.body, "[2]")
            r = try await call("DELETE", "/subjects/base/versions/1", nil, nil)
            XCTAssertEqual(r.status, 422)
            XCTAssertEqual(r.errorCode, 42206)
        }
    }

    func testDeletesSoftAndPermanentWithTheirErrors() async throws {
        try await withRegistry { call in
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a"]), nil)
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a", "b"]), nil)
            var r = try await call("DELETE", "/subjects/s/versions/2?permanent=true", nil, nil)
            XCTAssertEqual(r.status, 404)
            XCTAssertEqual(r.errorCode, 40407)
            r = try await call("DELETE", "/subjects/s/versions/2", nil, nil)
            XCTAssertEqual(r.body, "2")
            r = try await call("DELETE", "/subjects/s/versions/2", nil, nil)
            XCTAssertEqual(r.errorCode, 40406)
            r = try await call("GET", "/subjects/s/versions/2", nil, nil)
            XCTAssertEqual(r.errorCode, 40402)
            XCTAssertEqual(r.json?["message"]?.stringValue, "Version 2 not found.")
            r = try await call("GET", "/subjects/s/versions/2?deleted=true", nil, nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 2)
            r = try await call("GET", "/subjects/s/versions?deleted=true", nil, nil)
            XCTAssertEqual(r.body, "[1,2]")
            r = try await call("DELETE", "/subjects/s/versions/2?permanent=true", nil, nil)
            XCTAssertEqual(r.body, "2")
            r = try await call("DELETE", "/subjects/s?permanent=true", nil, nil)
            XCTAssertEqual(r.errorCode, 40405)
            r = try await call("DELETE", "/subjects/s", nil, nil)
            XCTAssertEqual(r.body, "[1]")
            r = try await call("DELETE", "/subjects/s", nil, nil)
            XCTAssertEqual(r.errorCode, 40404)
            r = try await call("GET", "/subjects", nil, nil)
            XCTAssertEqual(r.body, "[]")
            r = try await call("GET", "/subjects?deleted=true", nil, nil)
            XCTAssertEqual(r.body, #"["s"]"#)
            r = try await call("GET", "/subjects/s/versions", nil, nil)
            XCTAssertEqual(r.errorCode, 40401)
            XCTAssertEqual(r.json?["message"]?.stringValue, "Subject 's' not found.")
            r = try await call("DELETE", "/subjects/s?permanent=true", nil, nil)
            XCTAssertEqual(r.body, "[1]")
            r = try await call("GET", "/schemas/ids/1", nil, nil)
            XCTAssertEqual(r.status, 404)
            XCTAssertEqual(r.errorCode, 40403)
            r = try await call("GET", "/schemas/ids/x", nil, nil)
            XCTAssertEqual(r.errorCode, 40403)
            r = try await call("POST", "/subjects/s/versions", Self.body(["z"]), nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 3, "ids are never reused")
        }
    }

    func testConfigEndpoints() async throws {
        try await withRegistry { call in
            var r = try await call("GET", "/config", nil, nil)
            XCTAssertEqual(r.body, #"{"compatibilityLevel":"BACKWARD"}"#)
            r = try await call("PUT", "/config", #"{"compatibility":"FULL"}"#, nil)
            XCTAssertEqual(r.body, #"{"compatibility":"FULL"}"#)
            r = try await call("GET", "/config", nil, nil)
            XCTAssertEqual(r.body, #"{"compatibilityLevel":"FULL"}"#)
            r = try await call("GET", "/config/s", nil, nil)
            XCTAssertEqual(r.errorCode, 40408)
            r = try await call("GET", "/config/s?defaultToGlobal=true", nil, nil)
            XCTAssertEqual(r.body, #"{"compatibilityLevel":"FULL"}"#)
            r = try await call("PUT", "/config/s", #"{"compatibility":"none","normalize":true}"#, nil)
            XCTAssertEqual(r.body, #"{"compatibility":"NONE","normalize":true}"#)
            r = try await call("GET", "/config/s", nil, nil)
            XCTAssertEqual(r.body, #"{"compatibilityLevel":"NONE","normalize":true}"#)
            r = try await call("PUT", "/config/s", #"{"compatibility":"SIDEWAYS"}"#, nil)
            XCTAssertEqual(r.status, 422)
            XCTAssertEqual(r.errorCode, 42203)
            r = try await call("PUT", "/config/s", #"{"compatibility":"FULL","colour":"red"}"#, nil)
            XCTAssertEqual(r.errorCode, 422)
            XCTAssertEqual(r.json?["message"]?.stringValue, "Unrecognized field: colour")
            r = try await call("DELETE", "/config/s", nil, nil)
            XCTAssertEqual(r.body, #"{"compatibilityLevel":"NONE","normalize":true}"#)
            r = try await call("DELETE", "/config/s", nil, nil)
            XCTAssertEqual(r.errorCode, 40401)
            r = try await call("DELETE", "/config", nil, nil)
            XCTAssertEqual(r.body, #"{"compatibilityLevel":"FULL"}"#)
            r = try await call("GET", "/config", nil, nil)
            XCTAssertEqual(r.body, #"{"compatibilityLevel":"BACKWARD"}"#)
        }
    }

    func testNormalizeByQueryOrBySubjectConfig() async throws {
        try await withRegistry { call in
            let unsorted = #"{"schema":"{\"required\":[],\"fields\":[\"a\"]}"}"#
            var r = try await call("POST", "/subjects/q/versions?normalize=true", unsorted, nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 1)
            r = try await call("GET", "/subjects/q/versions/1/schema", nil, nil)
            XCTAssertEqual(r.body, #"{"fields":["a"],"required":[]}"#, "stored in normalized form")
            _ = try await call("PUT", "/config/c", #"{"normalize":true}"#, nil)
            r = try await call("POST", "/subjects/c/versions", unsorted, nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 1, "the subject's config normalizes: the same schema as q's")
            r = try await call("POST", "/subjects/plain/versions", unsorted, nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 2, "without normalize the member order is kept: another schema")
            r = try await call("GET", "/schemas/ids/1/versions", nil, nil)
            XCTAssertEqual(r.body, #"[{"subject":"c","version":1},{"subject":"q","version":1}]"#)
            _ = try await call("DELETE", "/subjects/c", nil, nil)
            r = try await call("GET", "/schemas/ids/1/subjects", nil, nil)
            XCTAssertEqual(r.body, #"["q"]"#)
            r = try await call("GET", "/schemas/ids/1/subjects?deleted=true", nil, nil)
            XCTAssertEqual(r.body, #"["c","q"]"#)
        }
    }

    func testModeEndpointsAndImport() async throws {
        try await withRegistry { call in
            var r = try await call("GET", "/mode", nil, nil)
            XCTAssertEqual(r.body, #"{"mode":"READWRITE"}"#)
            r = try await call("PUT", "/mode", #"{"mode":"IMPORT"}"#, nil)
            XCTAssertEqual(r.body, #"{"mode":"IMPORT"}"#)
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"]), nil)
            XCTAssertEqual(r.errorCode, 42205, "IMPORT mode needs client-chosen ids")
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","id":100,"version":3"#), nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 100)
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","id":101"#), nil)
            XCTAssertEqual(r.errorCode, 42207)
            XCTAssertEqual(r.json?["message"]?.stringValue, "Schema already registered with id 100 instead of input id 101")
            r = try await call("POST", "/subjects/s/versions", Self.body(["b"], extra: #","id":100"#), nil)
            XCTAssertEqual(r.errorCode, 42205)
            r = try await call("PUT", "/mode", #"{"mode":"READWRITE"}"#, nil)
            r = try await call("PUT", "/mode", #"{"mode":"IMPORT"}"#, nil)
            XCTAssertEqual(r.errorCode, 42205)
            r = try await call("PUT", "/mode?force=true", #"{"mode":"IMPORT"}"#, nil)
            XCTAssertEqual(r.body, #"{"mode":"IMPORT"}"#)
            r = try await call("PUT", "/mode/s", #"{"mode":"READONLY"}"#, nil)
            XCTAssertEqual(r.body, #"{"mode":"READONLY"}"#)
            r = try await call("POST", "/subjects/s/versions", Self.body(["c"]), nil)
            XCTAssertEqual(r.errorCode, 42205)
            r = try await call("GET", "/mode/s", nil, nil)
            XCTAssertEqual(r.body, #"{"mode":"READONLY"}"#)
            r = try await call("PUT", "/mode/s", #"{"mode":"SOMETIMES"}"#, nil)
            XCTAssertEqual(r.errorCode, 42204)
            r = try await call("DELETE", "/mode/s", nil, nil)
            XCTAssertEqual(r.body, #"{"mode":"READONLY"}"#)
            r = try await call("GET", "/mode/s", nil, nil)
            XCTAssertEqual(r.errorCode, 40409)
            r = try await call("GET", "/mode/s?defaultToGlobal=true", nil, nil)
            XCTAssertEqual(r.body, #"{"mode":"IMPORT"}"#)
        }
    }

    func testCompatibilityEndpoints() async throws {
        try await withRegistry { call in
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a"]), nil)
            _ = try await call("POST", "/subjects/s/versions", Self.body(["a", "b"]), nil)
            let needsB = Self.body(["b"], required: ["b"])
            var r = try await call("POST", "/compatibility/subjects/s/versions/latest", needsB, nil)
            XCTAssertEqual(r.body, #"{"is_compatible":true}"#)
            r = try await call("POST", "/compatibility/subjects/s/versions/1?verbose=true", needsB, nil)
            XCTAssertEqual(r.json?["is_compatible"]?.boolValue, false)
            XCTAssertEqual(r.json?["messages"]?.arrayValue?.last?.stringValue, "{validateFields: 'false', compatibility: 'BACKWARD'}")
            r = try await call("POST", "/compatibility/subjects/s/versions?verbose=true", needsB, nil)
            XCTAssertEqual(r.body, #"{"is_compatible":true,"messages":[]}"#)
            r = try await call("POST", "/compatibility/subjects/s/versions/latest", #"{"schema":"bad"}"#, nil)
            XCTAssertEqual(r.errorCode, 42201)
            r = try await call("POST", "/compatibility/subjects/s/versions/latest?verbose=true", #"{"schema":"bad"}"#, nil)
            XCTAssertEqual(r.body, #"{"is_compatible":false,"messages":["not a test schema: bad"]}"#)
            r = try await call("POST", "/compatibility/subjects/s/versions/7", needsB, nil)
            XCTAssertEqual(r.errorCode, 40402)
            r = try await call("POST", "/compatibility/subjects/s/versions/x", needsB, nil)
            XCTAssertEqual(r.errorCode, 42202)
            r = try await call("POST", "/subjects/s/versions", Self.body(["q"], required: ["q"]), nil)
            XCTAssertEqual(r.status, 409)
            XCTAssertEqual(r.errorCode, 40901)
        }
    }

    func testRequestErrors() async throws {
        try await withRegistry { call in
            var r = try await call("POST", "/subjects/s/versions", "{not json", nil)
            XCTAssertEqual(r.status, 400)
            XCTAssertEqual(r.errorCode, 400)
            r = try await call("POST", "/subjects/s/versions", #"{"schema":{"fields":[]}}"#, nil)
            XCTAssertEqual(r.status, 400, "a schema object instead of a string, as Confluent answers")
            r = try await call("POST", "/subjects/s/versions", #"{"schemaType":"AVRO"}"#, nil)
            XCTAssertEqual(r.errorCode, 42201)
            r = try await call("POST", "/subjects/s/versions", #"{"schema":"nope"}"#, nil)
            XCTAssertEqual(r.status, 422)
            XCTAssertEqual(r.errorCode, 42201)
            XCTAssertEqual(r.json?["message"]?.stringValue, "not a test schema: nope")
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","schemaType":"XML""#), nil)
            XCTAssertEqual(r.errorCode, 42201)
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"], extra: #","schemaTagsToAdd":[]"#), nil)
            XCTAssertEqual(r.errorCode, 422, "not implemented: refused, not dropped")
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"]), "text/plain")
            XCTAssertEqual(r.status, 415)
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"]), "application/octet-stream")
            XCTAssertEqual(r.status, 200)
            r = try await call("GET", "/subjects/s/versions/0", nil, nil)
            XCTAssertEqual(r.errorCode, 42202)
            r = try await call("GET", "/subjects/nope/versions/1", nil, nil)
            XCTAssertEqual(r.errorCode, 40401)
            r = try await call("POST", "/subjects/nope", Self.body(["a"]), nil)
            XCTAssertEqual(r.errorCode, 40401)
            r = try await call("POST", "/subjects/s", Self.body(["zzz"]), nil)
            XCTAssertEqual(r.errorCode, 40403)
            r = try await call("GET", "/subjects/s/unknown", nil, nil)
            XCTAssertEqual(r.status, 404)
            XCTAssertEqual(r.errorCode, 40401)
            r = try await call("GET", "/nowhere", nil, nil)
            XCTAssertEqual(r.errorCode, 404)
            r = try await call("PATCH", "/subjects/s/versions", nil, nil)
            XCTAssertEqual(r.status, 405)
            r = try await call("GET", "/subjects/__GLOBAL/versions", nil, nil)
            XCTAssertEqual(r.errorCode, 42208)
        }
    }

    func testSubjectNamesArePercentDecoded() async throws {
        try await withRegistry { call in
            var r = try await call("POST", "/subjects/a%2Fb%20c/versions", Self.body(["a"]), nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 1)
            r = try await call("GET", "/subjects?subjectPrefix=a%2F", nil, nil)
            XCTAssertEqual(r.body, #"["a/b c"]"#)
        }
    }

    func testServesOverARealSocket() async throws {
        let service = SchemaRegistryService(log: InMemoryRegistryLog(), parse: TestSchema.parse)
        let app = SchemaRegistryServer.makeApplication(host: "127.0.0.1", port: 0, service: service, kafkaClusterID: "c",
                                                       logger: Logger(label: "test"))
        try await app.test(.live) { client in
            try await client.execute(uri: "/subjects/s%2Fx/versions", method: .post, headers: [.contentType: Self.vnd],
                                     body: ByteBuffer(string: Self.body(["a"]))) { response in
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers[.contentType], Self.vnd)
                XCTAssertEqual(String(buffer: response.body), #"{"id":1,"version":1,"guid":"ddeea138-7663-134d-ae5a-ddb9d7937c58"}"#)
            }
            // With a format asked for, the registered schema comes back too (Confluent 8's full answer).
            try await client.execute(uri: "/subjects/s%2Fx/versions?format=default", method: .post, headers: [.contentType: Self.vnd],
                                     body: ByteBuffer(string: Self.body(["a"]))) { response in
                XCTAssertEqual(String(buffer: response.body),
                               #"{"id":1,"version":1,"guid":"ddeea138-7663-134d-ae5a-ddb9d7937c58","schema":"{\"fields\":[\"a\"],\"required\":[]}"}"#)
            }
            try await client.execute(uri: "/subjects", method: .get) { response in
                XCTAssertEqual(String(buffer: response.body), #"["s/x"]"#)
            }
        }
    }

    func testStoreFailureIs50001AndTimeoutIs50002AndNothingIsApplied() async throws {
        let log = InMemoryRegistryLog()
        await log.failNextAppend(with: CancellationError())
        try await withRegistry(log: log) { call in
            var r = try await call("POST", "/subjects/s/versions", Self.body(["a"]), nil)
            XCTAssertEqual(r.status, 500)
            XCTAssertEqual(r.errorCode, 50001)
            r = try await call("GET", "/subjects", nil, nil)
            XCTAssertEqual(r.body, "[]")
            r = try await call("POST", "/subjects/s/versions", Self.body(["a"]), nil)
            XCTAssertEqual(r.json?["id"]?.intValue, 1)
            await log.failNextAppend(with: RegistryLogError.timedOut("no acks in 30 s"))
            r = try await call("POST", "/subjects/s/versions", Self.body(["b"]), nil)
            XCTAssertEqual(r.status, 500)
            XCTAssertEqual(r.errorCode, 50002)
        }
    }
}
