@testable import BrookSchemaRegistry
import BrookSchemas
import BrookTestSupport
import XCTest

/// Random requests never crash the API: every answer is a status with a JSON error body or a
/// success, and the registry stays consistent with a replay of its log.
final class RegistryAPIFuzzTests: XCTestCase {
    func testRandomRequestsGetAnswersNotCrashes() async throws {
        let log = InMemoryRegistryLog()
        let api = RegistryAPI(service: SchemaRegistryService(log: log, parse: TestSchema.parse), kafkaClusterID: "c")
        var rng = SeededRNG(seed: 13)
        let segments = ["subjects", "s", "t", "a%2Fb", "%", "%zz", "versions", "1", "2", "-1", "latest", "0", "x", "schema", "referencedby",
                        "schemas", "ids", "types", "config", "mode", "compatibility", "contexts", "v1", "metadata", "id", ""]
        let queries = ["", "deleted=true", "permanent=true", "normalize=true", "verbose=true", "force=true", "defaultToGlobal=true",
                       "subjectPrefix=s", "offset=-3&limit=x", "deleted", "=&&=", "subject=%00"]
        let bodies = [#"{"schema":"{\"fields\":[\"a\"]}"}"#, #"{"schema":"{\"fields\":[\"b\"],\"required\":[\"b\"]}"}"#,
                      #"{"schema":"{\"fields\":[]}","references":[{"name":"n","subject":"s","version":1}]}"#,
                      #"{"compatibility":"NONE"}"#, #"{"mode":"READONLY"}"#, #"{"mode":"READWRITE"}"#, #"{"mode":"IMPORT"}"#,
                      #"{"schema":"x","id":5,"version":7}"#, "{", "[]", "null", #"{"schema":1}"#, ""]
        let methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
        for _ in 0..<3_000 {
            let subject = ["s", "t", "a%2Fb"].randomElement(using: &rng)!
            let version = ["1", "2", "latest", "-1", "0"].randomElement(using: &rng)!
            let routes = ["/subjects/\(subject)/versions", "/subjects/\(subject)/versions/\(version)", "/subjects/\(subject)",
                          "/config/\(subject)", "/mode/\(subject)", "/mode", "/compatibility/subjects/\(subject)/versions/\(version)",
                          "/schemas/ids/\(version)", "/subjects/\(subject)/versions/\(version)/referencedby"]
            // Half well-formed routes (so writes happen), half random segments.
            let path = Bool.random(using: &rng) ? routes.randomElement(using: &rng)!
                : "/" + (0..<Int.random(in: 0...5, using: &rng)).map { _ in segments.randomElement(using: &rng)! }.joined(separator: "/")
            var body = Array(bodies.randomElement(using: &rng)!.utf8)
            if Bool.random(using: &rng), !body.isEmpty {
                body[Int.random(in: 0..<body.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            let response = await api.respond(to: RegistryHTTPRequest(
                method: methods.randomElement(using: &rng)!, path: path, query: queries.randomElement(using: &rng)!,
                contentType: "application/json", body: body))
            XCTAssertTrue((200..<600).contains(response.status))
            if response.status >= 400 {
                let json = try JSONParser.parse(response.body)
                XCTAssertNotNil(json["error_code"]?.intValue, response.body)
                XCTAssertNotNil(json["message"]?.stringValue, response.body)
            }
        }
        let records = await log.allRecords
        XCTAssertGreaterThan(records.count, 20, "the fuzz reached the write paths")
        var replayed = RegistryState(parse: TestSchema.parse)
        for record in records { replayed.apply(record) }
        let live = try await api.service.currentState()
        XCTAssertEqual(replayed.allVersions(includeDeleted: true), live.allVersions(includeDeleted: true))
        XCTAssertEqual(replayed.nextID, live.nextID)
        XCTAssertEqual(replayed.skippedRecords, 0)
    }
}
