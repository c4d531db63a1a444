@testable import BrookSchemaRegistry
import BrookSchemas
import XCTest

/// Confluent's data-contract inheritance on registration: metadata and rule sets carry over from
/// the previous version and from config defaults and overrides.
final class RegistryDataContractTests: XCTestCase {
    private func schema(_ fields: [String]) -> String {
        JSONValue.object([("fields", .array(fields.map(JSONValue.string)))]).compactText
    }

    private func json(_ text: String) -> JSONValue { try! JSONParser.parse(text) }

    private func register(_ h: inout StateHarness, _ subject: String, _ fields: [String], metadata: String? = nil,
                          ruleSet: String? = nil) throws(RegistryError) -> RegisterResult {
        let request = RegisterRequest(schema: schema(fields), metadata: metadata.map(json), ruleSet: ruleSet.map(json))
        return try h.run { s throws(RegistryError) in try s.register(subject: subject, request: request, normalize: false) }
    }

    func testAnUnchangedSchemaWithoutMetadataFindsTheVersionThatHasIt() throws {
        var h = StateHarness()
        let first = try register(&h, "s", ["a"], metadata: #"{"properties":{"owner":"ann"}}"#)
        XCTAssertEqual(try register(&h, "s", ["a"]), first, "an auto-registering serializer gets the existing id")
        let lookup = try h.state.lookup(subject: "s", request: RegisterRequest(schema: schema(["a"])), normalize: false, includeDeleted: false)
        XCTAssertEqual(lookup.version, 1)

        let second = try register(&h, "s", ["a", "b"])
        XCTAssertEqual(second.version, 2)
        XCTAssertEqual(try h.state.schema(id: second.id).metadata?.compactText, #"{"properties":{"owner":"ann"}}"#,
                       "a new version inherits the previous one's metadata")
        let third = try register(&h, "s", ["a", "b", "c"], metadata: #"{"properties":{"owner":"bob"}}"#)
        XCTAssertEqual(try h.state.schema(id: third.id).metadata?.compactText, #"{"properties":{"owner":"bob"}}"#,
                       "metadata sent replaces the inherited one")
        XCTAssertEqual(h.replayed().allVersions().map(\.otherMembers), h.state.allVersions().map(\.otherMembers))
    }

    func testConfigDefaultsGoUnderAndOverridesOnTop() throws {
        var h = StateHarness()
        try h.run { s throws(RegistryError) in
            try s.setConfig(subject: nil, compatibility: nil, otherMembers: self.json(
                #"{"defaultMetadata":{"properties":{"owner":"platform","tier":"gold"}},"overrideMetadata":{"properties":{"tier":"silver"}},"#
                + #""defaultRuleSet":{"domainRules":[{"name":"r1","kind":"CONDITION","mode":"WRITE","type":"CEL","expr":"true"}]}}"#))
        }
        let result = try register(&h, "s", ["a"], metadata: #"{"properties":{"owner":"ann"},"sensitive":["ssn"]}"#)
        let stored = try h.state.schema(id: result.id)
        XCTAssertEqual(stored.metadata?.compactText, #"{"properties":{"owner":"ann","tier":"silver"},"sensitive":["ssn"]}"#)
        XCTAssertEqual(stored.ruleSet?["domainRules"]?.arrayValue?.first?["name"]?.stringValue, "r1")
    }

    func testConfluentVersionFollowsTheNewVersionOncePresent() throws {
        var h = StateHarness()
        _ = try register(&h, "s", ["a"], metadata: #"{"properties":{"confluent:version":"1"}}"#)
        let second = try register(&h, "s", ["a", "b"])
        XCTAssertEqual(try h.state.schema(id: second.id).metadata?["properties"]?["confluent:version"]?.stringValue, "2")
        XCTAssertEqual(try register(&h, "s", ["a", "b"]), second, "re-registering finds it without bumping the version")
    }

    func testRuleSetsMergeByRuleName() {
        let merged = RegistryState.mergeRuleSets(
            json(#"{"domainRules":[{"name":"a","expr":"1"},{"name":"b","expr":"1"}],"enableAt":"CLIENT"}"#),
            json(#"{"domainRules":[{"name":"a","expr":"2"}]}"#))
        XCTAssertEqual(merged?.compactText, #"{"domainRules":[{"name":"b","expr":"1"},{"name":"a","expr":"2"}],"enableAt":"CLIENT"}"#)
    }
}
