@testable import BrookSchemas
import XCTest

final class JSONSchemaValidatorTests: XCTestCase {
    private func violations(_ schema: String, _ value: String, budget: Int = 1_000_000) throws -> [JSONSchemaViolation] {
        try JSONSchemaDocument(schema).violations(of: try JSONParser.parse(value), budget: budget)
    }

    func testValidAndInvalidValuesTable() throws {
        let order = ##"""
        {"type":"object","additionalProperties":false,"required":["id","lines"],
         "properties":{"id":{"type":"integer","minimum":1},
                       "note":{"type":["string","null"],"maxLength":5},
                       "status":{"enum":["NEW","PAID"]},
                       "lines":{"type":"array","minItems":1,"items":{"$ref":"#/definitions/line"}}},
         "definitions":{"line":{"type":"object","required":["sku"],"properties":{"sku":{"type":"string","pattern":"^[A-Z]{3}-[0-9]+$"},"qty":{"type":"number","exclusiveMinimum":0,"multipleOf":0.5}}}}}
        """##
        let cases: [(String, String?)] = [
            (#"{"id":1,"lines":[{"sku":"ABC-1","qty":1.5}]}"#, nil),
            (#"{"id":1,"note":null,"status":"PAID","lines":[{"sku":"ABC-12"}]}"#, nil),
            (#"{"id":0,"lines":[{"sku":"ABC-1"}]}"#, "#/id"),
            (#"{"id":1.5,"lines":[{"sku":"ABC-1"}]}"#, "#/id"),
            (#"{"id":1,"lines":[]}"#, "#/lines"),
            (#"{"id":1}"#, "#"),
            (#"{"id":1,"lines":[{"sku":"abc-1"}]}"#, "#/lines/0/sku"),
            (#"{"id":1,"lines":[{"sku":"ABC-1","qty":0}]}"#, "#/lines/0/qty"),
            (#"{"id":1,"lines":[{"sku":"ABC-1","qty":0.3}]}"#, "#/lines/0/qty"),
            (#"{"id":1,"lines":[{"qty":1}]}"#, "#/lines/0"),
            (#"{"id":1,"note":"too long","lines":[{"sku":"ABC-1"}]}"#, "#/note"),
            (#"{"id":1,"status":"LOST","lines":[{"sku":"ABC-1"}]}"#, "#/status"),
            (#"{"id":1,"extra":true,"lines":[{"sku":"ABC-1"}]}"#, "#/extra"),
            (#"[1]"#, "#"),
        ]
        for (value, path) in cases {
            let found = try violations(order, value)
            if let path {
                XCTAssertTrue(found.contains { $0.instancePath == path }, "\(value): \(found)")
            } else {
                XCTAssertEqual(found, [], value)
            }
        }
    }

    func testKeywordsOneByOne() throws {
        let table: [(String, String, Bool)] = [
            (#"{"const":{"a":[1,2]}}"#, #"{"a":[1,2.0]}"#, true),
            (#"{"const":1}"#, "2", false),
            (#"{"enum":[{"a":1,"b":[2]}]}"#, #"{"b":[2.0],"a":1}"#, true),
            (#"{"const":{"a":1,"b":2}}"#, #"{"b":2,"a":1}"#, true),
            (#"{"uniqueItems":true}"#, #"[{"a":1,"b":2},{"b":2,"a":1}]"#, false),
            (#"{"uniqueItems":true}"#, #"[{"a":1},{"a":"1"}]"#, true),
            (#"{"not":{"type":"string"}}"#, "1", true),
            (#"{"not":{"type":"string"}}"#, #""x""#, false),
            (#"{"anyOf":[{"type":"string"},{"minimum":5}]}"#, "7", true),
            (#"{"anyOf":[{"type":"string"},{"type":"number","minimum":5}]}"#, "3", false),
            (#"{"oneOf":[{"type":"integer"},{"type":"number"}]}"#, "1.5", true),
            (#"{"oneOf":[{"type":"integer"},{"type":"number"}]}"#, "1", false),
            (#"{"allOf":[{"minLength":2},{"maxLength":3}]}"#, #""abcd""#, false),
            (#"{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}"#, #"{"k":"a","a":1}"#, true),
            (#"{"if":{"properties":{"k":{"const":"a"}}},"then":{"required":["a"]},"else":{"required":["b"]}}"#, #"{"k":"x","a":1}"#, false),
            (#"{"minLength":2}"#, "5", true),
            (#"{"minLength":2}"#, #""é""#, false),
            (#"{"type":"array","uniqueItems":true}"#, "[1,1.0]", false),
            (#"{"type":"array","items":[{"type":"string"}],"additionalItems":false}"#, #"["a"]"#, true),
            (#"{"type":"array","items":[{"type":"string"}],"additionalItems":false}"#, #"["a",1]"#, false),
            (#"{"type":"array","contains":{"type":"string"}}"#, "[1,2]", false),
            (#"{"$schema":"https://json-schema.org/draft/2019-09/schema","contains":{"type":"string"},"maxContains":1}"#, #"["a","b"]"#, false),
            (#"{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"integer"}],"items":{"type":"string"}}"#, #"[1,"a"]"#, true),
            (#"{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"integer"}],"items":{"type":"string"}}"#, #"[1,2]"#, false),
            (#"{"patternProperties":{"^n_":{"type":"number"}},"additionalProperties":false}"#, #"{"n_a":1}"#, true),
            (#"{"patternProperties":{"^n_":{"type":"number"}},"additionalProperties":false}"#, #"{"n_a":"x"}"#, false),
            (#"{"patternProperties":{"^n_":{"type":"number"}},"additionalProperties":false}"#, #"{"m":1}"#, false),
            (#"{"dependencies":{"card":["billing"]}}"#, #"{"card":1}"#, false),
            (#"{"dependencies":{"card":{"required":["cvv"]}}}"#, #"{"card":1,"cvv":2}"#, true),
            (#"{"propertyNames":{"maxLength":2}}"#, #"{"abc":1}"#, false),
            (#"{"maxProperties":1}"#, #"{"a":1,"b":2}"#, false),
            (#"{"$schema":"http://json-schema.org/draft-04/schema#","maximum":5,"exclusiveMaximum":true}"#, "5", false),
            (#"{"$schema":"http://json-schema.org/draft-04/schema#","maximum":5}"#, "5", true),
            (#"{"type":"integer"}"#, "2.0", true),
            ("false", "1", false),
            ("true", "1", true),
        ]
        for (schema, value, valid) in table {
            XCTAssertEqual(try violations(schema, value).isEmpty, valid, "\(schema) ← \(value)")
        }
    }

    func testUnevaluatedPropertiesSeeWhatSiblingBranchesEvaluated() throws {
        let base = ##"{"$schema":"https://json-schema.org/draft/2019-09/schema","$defs":{"named":{"properties":{"name":{"type":"string"}}}},"##
        let table: [(String, String, Bool)] = [
            (base + ##""allOf":[{"$ref":"#/$defs/named"}],"properties":{"age":{"type":"integer"}},"unevaluatedProperties":false}"##, #"{"name":"a","age":1}"#, true),
            (base + ##""allOf":[{"$ref":"#/$defs/named"}],"properties":{"age":{"type":"integer"}},"unevaluatedProperties":false}"##, #"{"name":"a","x":1}"#, false),
            (base + ##""anyOf":[{"properties":{"a":{"const":1}},"required":["a"]},{"properties":{"b":{}}}],"unevaluatedProperties":false}"##, #"{"a":2,"b":1}"#, false),
            (base + ##""anyOf":[{"properties":{"a":{"const":1}},"required":["a"]},{"properties":{"b":{}}}],"unevaluatedProperties":false}"##, #"{"a":1,"b":1}"#, true),
            (base + ##""if":{"properties":{"k":{"const":"x"}}},"then":{"properties":{"x":{}}},"unevaluatedProperties":{"type":"number"}}"##, #"{"k":"x","x":"s"}"#, true),
            (base + ##""if":{"properties":{"k":{"const":"x"}}},"then":{"properties":{"x":{}}},"unevaluatedProperties":{"type":"number"}}"##, #"{"k":"y","x":"s"}"#, false),
            (base + ##""type":"object","patternProperties":{"^n_":{}},"unevaluatedProperties":false}"##, #"{"n_1":1}"#, true),
        ]
        for (schema, value, valid) in table {
            XCTAssertEqual(try violations(schema, value).isEmpty, valid, "\(schema) ← \(value)")
        }
    }

    func testPatternsThatCouldBacktrackForeverAreNotRun() throws {
        for risky in ["(a+)+$", "(a|aa)*b", "(x*)*", "(a{1,})+", "(.*a){2,}", "(a)\\1", "a*b*c*d*"] {
            XCTAssertFalse(RegexSyntax.isSafeToRun(risky), risky)
            XCTAssertNil(RegexSyntax.problem(in: risky), "\(risky) is still a valid pattern")
        }
        for safe in ["^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "^(ab)+$", "^[A-Z]{3}-[0-9]+$", "(a|b)", "[(+*]+"] {
            XCTAssertTrue(RegexSyntax.isSafeToRun(safe), safe)
        }
        let found = try violations(#"{"type":"string","pattern":"(a+)+$"}"#, #""aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab""#)
        XCTAssertTrue(found.contains { $0.message.contains("refused") })
        let long = "\"" + String(repeating: "a", count: 5000) + "\""
        XCTAssertTrue(try violations(#"{"pattern":"^a+$"}"#, long).contains { $0.message.contains("refused") })
        XCTAssertEqual(try violations(#"{"pattern":"^a+$"}"#, #""aaa""#), [])
    }

    func testRunawaySchemasAreRefusedNotHung() throws {
        // A self-reference that never consumes the value: depth limit.
        let loop = try violations(##"{"allOf":[{"$ref":"#"}]}"##, "1")
        XCTAssertTrue(loop.contains { $0.message.contains("refused") })
        // Exponential nesting of anyOf: the step budget.
        let blowup = ##"{"definitions":{"a":{"anyOf":[{"$ref":"#/definitions/b"},{"$ref":"#/definitions/b"}]},"b":{"anyOf":[{"$ref":"#/definitions/c"},{"$ref":"#/definitions/c"}]},"c":{"anyOf":[{"type":"string"},{"type":"string"}]}},"type":"array","items":{"$ref":"#/definitions/a"}}"##
        let many = "[" + Array(repeating: "1", count: 5000).joined(separator: ",") + "]"
        XCTAssertTrue(try violations(blowup, many, budget: 10_000).contains { $0.message.contains("refused") })
        XCTAssertFalse(try violations(blowup, #"["x"]"#, budget: 10_000).contains { $0.message.contains("refused") })
    }
}
