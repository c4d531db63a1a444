@testable import BrookSchemas
import BrookTestSupport
import XCTest

final class JSONSchemaParsingTests: XCTestCase {
    private func parse(_ text: String, _ references: [ResolvedReference] = []) throws(InvalidSchemaError) -> JSONSchemaDocument {
        try JSONSchemaDocument(text, references: references)
    }

    private func assertInvalid(_ text: String, mentions fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try parse(text)
            XCTFail("accepted \(text)", file: file, line: line)
        } catch {
            XCTAssertTrue(error.message.contains(fragment), "\(text): \(error.message)", file: file, line: line)
        }
    }

    func testSchemaKeywordPicksTheDraftAndDraft7IsTheDefault() throws {
        let cases: [(String?, JSONSchemaDraft)] = [
            (nil, .draft7),
            ("http://json-schema.org/draft-04/schema#", .draft4),
            ("https://json-schema.org/schema", .draft4),
            ("http://json-schema.org/draft-06/schema", .draft6),
            ("https://json-schema.org/draft-07/schema#", .draft7),
            ("https://json-schema.org/draft/2019-09/schema", .draft2019_09),
            ("https://json-schema.org/draft/2020-12/schema", .draft2020_12),
            ("https://example.com/my-meta", .draft7),
        ]
        for (url, draft) in cases {
            let text = url.map { #"{"$schema":"\#($0)","type":"object"}"# } ?? #"{"type":"object"}"#
            XCTAssertEqual(try parse(text).draft, draft, url ?? "none")
        }
    }

    func testAcceptsTypicalSchemasOfEveryDraft() throws {
        let schemas = [
            #"{"$schema":"http://json-schema.org/draft-04/schema#","id":"http://x/a","type":"object","properties":{"n":{"type":"integer","minimum":0,"exclusiveMinimum":true}},"required":["n"],"additionalProperties":false}"#,
            #"{"$schema":"http://json-schema.org/draft-06/schema#","type":"array","items":true,"contains":{"const":1},"exclusiveMaximum":3}"#,
            #"{"type":"object","properties":{"a":{"type":["string","null"],"maxLength":3,"pattern":"^[a-z]+$"}},"if":{"required":["a"]},"then":{"minProperties":1},"else":false,"definitions":{"x":{"enum":[1,"a",null]}}}"#,
            ##"{"$schema":"https://json-schema.org/draft/2019-09/schema","$defs":{"p":{"type":"string"}},"type":"object","properties":{"p":{"$ref":"#/$defs/p","minLength":1}},"dependentRequired":{"a":["b"]},"unevaluatedProperties":false}"##,
            #"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"integer"},{"type":"string"}],"items":false,"minContains":1,"contains":{"type":"integer"}}"#,
            "true",
            "{}",
        ]
        for schema in schemas {
            XCTAssertNoThrow(try parse(schema), schema)
        }
    }

    func testRejectsKeywordsOfTheWrongShape() {
        let cases: [(String, String)] = [
            (#"{"type":"strng"}"#, "unknown type 'strng'"),
            (#"{"type":["string","string"]}"#, "'type' must be"),
            (#"{"type":[]}"#, "'type' must be"),
            (#"{"type":5}"#, "'type' must be"),
            (#"{"properties":[]}"#, "'properties' must be an object"),
            (#"{"properties":{"a":5}}"#, "at #/properties/a: a schema must be an object"),
            (#"{"required":"a"}"#, "'required' must be an array"),
            (#"{"required":["a","a"]}"#, "names 'a' twice"),
            (#"{"required":[1]}"#, "only strings"),
            (#"{"$schema":"http://json-schema.org/draft-04/schema#","required":[]}"#, "must not be empty in draft-04"),
            (#"{"enum":[]}"#, "at least one value"),
            (#"{"enum":5}"#, "'enum' must be an array"),
            (#"{"enum":[1,1.0]}"#, "lists a value twice"),
            (#"{"maximum":"10"}"#, "'maximum' must be a number"),
            (#"{"maxLength":-1}"#, "non-negative integer"),
            (#"{"minItems":1.5}"#, "non-negative integer"),
            (#"{"multipleOf":0}"#, "greater than 0"),
            (#"{"exclusiveMinimum":true}"#, "'exclusiveMinimum' must be a number"),
            (#"{"$schema":"http://json-schema.org/draft-04/schema#","exclusiveMinimum":3}"#, "must be a boolean in draft-04"),
            (#"{"$ref":5}"#, "'$ref' must be a string"),
            (#"{"items":5}"#, "a schema must be an object"),
            (#"{"items":[{"type":"string"},3]}"#, "#/items/1"),
            (#"{"$schema":"https://json-schema.org/draft/2020-12/schema","items":[{}]}"#, "'items' must be a single schema"),
            (#"{"additionalProperties":"no"}"#, "#/additionalProperties"),
            (#"{"definitions":{"a":{"type":"nope"}}}"#, "#/definitions/a/type"),
            (#"{"$schema":"https://json-schema.org/draft/2019-09/schema","$defs":[]}"#, "'$defs' must be an object"),
            (#"{"allOf":[]}"#, "non-empty array of schemas"),
            (#"{"anyOf":{}}"#, "non-empty array of schemas"),
            (#"{"not":[]}"#, "a schema must be an object"),
            (#"{"if":1}"#, "#/if"),
            (#"{"dependencies":{"a":5}}"#, "#/dependencies/a"),
            (#"{"dependencies":{"a":["b",2]}}"#, "only strings"),
            (#"{"$schema":"https://json-schema.org/draft/2019-09/schema","dependentRequired":{"a":"b"}}"#, "must be an array"),
            (#"{"pattern":"(ab"}"#, "not a valid regular expression"),
            (#"{"pattern":"a)"}"#, "closes no group"),
            (#"{"pattern":"[a-"}"#, "never closed"),
            (#"{"pattern":"*a"}"#, "follows nothing"),
            (#"{"pattern":"a{3,1}"}"#, "out of order"),
            (#"{"pattern":"[z-a]"}"#, "out of order"),
            (#"{"pattern":"ab\\"}"#, "lone backslash"),
            (#"{"pattern":"(?x)"}"#, "not a group kind"),
            (#"{"patternProperties":{"^(a":{}}}"#, "the name '^(a' is not a valid regular expression"),
            (#"{"title":1}"#, "'title' must be a string"),
            (#"{"uniqueItems":"yes"}"#, "must be a boolean"),
            (#"[]"#, "must be an object or a boolean"),
            (#"{"a":"#, "not valid JSON"),
        ]
        for (schema, fragment) in cases {
            assertInvalid(schema, mentions: fragment)
        }
    }

    func testRegexSyntaxAcceptsCommonPatterns() {
        for pattern in ["^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "(?:ab)+?", "(?<year>\\d{4})-(?<m>\\d\\d)", "a{2}", "a{,", "x{1,}", "[\\]]", "(?=a)(?!b)(?<=c)(?<!d)", "\\p{L}+", "a|b|", "[^-a]"] {
            XCTAssertNil(RegexSyntax.problem(in: pattern), pattern)
        }
    }

    func testBooleanSchemasStartWithDraft6() throws {
        XCTAssertNoThrow(try parse(#"{"properties":{"a":true,"b":false}}"#))
        assertInvalid(#"{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":true}}"#, mentions: "not a boolean")
        // Draft 4 still takes booleans where its meta-schema allows them.
        XCTAssertNoThrow(try parse(#"{"$schema":"http://json-schema.org/draft-04/schema#","additionalProperties":false,"additionalItems":true}"#))
    }

    func testKeywordsFromLaterDraftsAreNotCheckedInEarlierOnes() throws {
        // `if` means nothing in draft 6, `prefixItems` nothing before 2020-12: annotations.
        XCTAssertNoThrow(try parse(#"{"$schema":"http://json-schema.org/draft-06/schema#","if":5}"#))
        XCTAssertNoThrow(try parse(#"{"prefixItems":5}"#))
    }

    func testResolvesLocalPointersAndDefs() throws {
        let schema = try parse(##"""
        {"definitions":{"a/b":{"type":"string"},"list":{"type":"array","items":{"$ref":"#/definitions/a~1b"}}},
         "$defs":{"n":{"type":"number"}},
         "properties":{"x":{"$ref":"#/definitions/list"},"y":{"$ref":"#/$defs/n"},"z":{"$ref":"#/properties/y"},"w":{"$ref":"#"}}}
        """##)
        let graph = schema.graph
        guard case let .object(rules) = graph[graph.root].kind else { return XCTFail("not an object") }
        let x = graph.dereferenced(rules.property("x")!)
        guard case let .array(items) = graph[x].kind, let item = items.allItems else { return XCTFail("x is not an array") }
        guard case .string = graph[graph.dereferenced(item)].kind else { return XCTFail("x items are not strings") }
        guard case .number = graph[graph.dereferenced(rules.property("z")!)].kind else { return XCTFail("z is not y's number") }
        XCTAssertEqual(graph.dereferenced(rules.property("w")!), graph.root, "# is the root")
    }

    func testDefsPointerFindsATopLevelDefinitionsEntryAsConfluentDoes() throws {
        XCTAssertNoThrow(try parse(##"{"definitions":{"a":{"type":"string"}},"properties":{"p":{"$ref":"#/$defs/a"}}}"##))
    }

    func testResolvesIdsAndAnchors() throws {
        let schema = try parse(##"""
        {"$id":"https://example.com/root.json",
         "definitions":{"addr":{"$id":"address.json","type":"object","properties":{"zip":{"$ref":"#/definitions/zip"}},"definitions":{"zip":{"type":"string"}}},
                        "named":{"$id":"#named","type":"boolean"}},
         "properties":{"a":{"$ref":"address.json"},"b":{"$ref":"https://example.com/address.json#/properties/zip"},"c":{"$ref":"#named"}}}
        """##)
        let graph = schema.graph
        guard case let .object(rules) = graph[graph.root].kind else { return XCTFail("not an object") }
        guard case .object = graph[graph.dereferenced(rules.property("a")!)].kind else { return XCTFail("a") }
        guard case .string = graph[graph.dereferenced(rules.property("b")!)].kind else { return XCTFail("b") }
        guard case .boolean = graph[graph.dereferenced(rules.property("c")!)].kind else { return XCTFail("c") }
        let modern = try parse(##"{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"s":{"$anchor":"str","type":"string"}},"properties":{"p":{"$ref":"#str"}}}"##)
        guard case let .object(modernRules) = modern.graph[modern.graph.root].kind,
              case .string = modern.graph[modern.graph.dereferenced(modernRules.property("p")!)].kind else { return XCTFail("anchor") }
    }

    func testResolvesRegisteredReferencesByName() throws {
        let address = #"{"type":"object","properties":{"street":{"type":"string"}},"definitions":{"zip":{"type":"string","pattern":"^[0-9]{5}$"}}}"#
        let byName = ResolvedReference(reference: SchemaReference(name: "address.json", subject: "address", version: 1), schema: address)
        XCTAssertNoThrow(try parse(#"{"properties":{"a":{"$ref":"address.json"},"z":{"$ref":"address.json#/definitions/zip"}}}"#, [byName]))
        XCTAssertNoThrow(try parse(#"{"properties":{"a":{"$ref":"./address.json"}}}"#, [byName]))
        // Relative to the root's $id, as Confluent registers references.
        XCTAssertNoThrow(try parse(#"{"$id":"https://example.com/order.json","properties":{"a":{"$ref":"address.json"}}}"#, [byName]))
        let byURL = ResolvedReference(reference: SchemaReference(name: "https://example.com/address.json", subject: "address", version: 1), schema: address)
        XCTAssertNoThrow(try parse(#"{"properties":{"a":{"$ref":"https://example.com/address.json"}}}"#, [byURL]))
        XCTAssertNoThrow(try parse(#"{"$id":"https://example.com/order.json","properties":{"a":{"$ref":"address.json#/definitions/zip"}}}"#, [byURL]))
        // Transitive: the referenced schema refers to another one.
        let country = ResolvedReference(reference: SchemaReference(name: "country.json", subject: "country", version: 1), schema: #"{"enum":["DE","FR"]}"#)
        let address2 = ResolvedReference(reference: SchemaReference(name: "address.json", subject: "address", version: 2),
                                         schema: #"{"properties":{"country":{"$ref":"country.json"}}}"#)
        XCTAssertNoThrow(try parse(#"{"properties":{"a":{"$ref":"address.json"}}}"#, [country, address2]))
    }

    func testUnresolvableReferencesAreInvalid() {
        assertInvalid(##"{"properties":{"a":{"$ref":"#/definitions/missing"}}}"##, mentions: "the $ref '#/definitions/missing' at #/properties/a resolves to nothing")
        assertInvalid(#"{"properties":{"a":{"$ref":"address.json"}}}"#, mentions: "no schema reference named 'address.json'")
        assertInvalid(##"{"$ref":"#nowhere"}"##, mentions: "resolves to nothing")
        let bad = ResolvedReference(reference: SchemaReference(name: "b.json", subject: "b", version: 1), schema: #"{"type":"nope"}"#)
        XCTAssertThrowsError(try parse(#"{"$ref":"b.json"}"#, [bad])) { error in
            XCTAssertTrue((error as! InvalidSchemaError).message.contains("In the referenced schema 'b.json'"))
        }
    }

    func testDynamicReferencesResolveStaticallyOrMeanAnything() throws {
        let tree = try parse(##"{"$schema":"https://json-schema.org/draft/2020-12/schema","$dynamicAnchor":"node","type":"object","properties":{"kids":{"type":"array","items":{"$dynamicRef":"#node"}}}}"##)
        XCTAssertTrue(tree.violations(of: try JSONParser.parse(#"{"kids":[{"kids":[]}]}"#)).isEmpty)
        XCTAssertFalse(tree.violations(of: try JSONParser.parse(#"{"kids":[{"kids":5}]}"#)).isEmpty)
        let recursive = try parse(##"{"$schema":"https://json-schema.org/draft/2019-09/schema","$recursiveAnchor":true,"properties":{"next":{"$recursiveRef":"#"}},"required":["v"]}"##)
        XCTAssertFalse(recursive.violations(of: try JSONParser.parse(#"{"v":1,"next":{}}"#)).isEmpty)
        XCTAssertNoThrow(try parse(##"{"$schema":"https://json-schema.org/draft/2020-12/schema","items":{"$dynamicRef":"#elsewhere"}}"##))
    }

    func testMetaSchemaReferencesNeedNoRegistration() {
        XCTAssertNoThrow(try parse(#"{"properties":{"s":{"$ref":"http://json-schema.org/draft-07/schema#"}}}"#))
    }

    func testRecursiveSchemasLoadWithoutLooping() throws {
        let schema = try parse(##"""
        {"definitions":{"node":{"type":"object","properties":{"value":{"type":"integer"},"next":{"$ref":"#/definitions/node"},
                                                               "children":{"type":"array","items":{"$ref":"#/definitions/node"}}}},
                        "a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},
         "$ref":"#/definitions/node"}
        """##)
        XCTAssertLessThan(schema.graph.nodes.count, 20)
        // A cycle of bare references dereferences to some node without hanging.
        _ = try parse(##"{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"properties":{"p":{"$ref":"#/definitions/a"}}}"##)
    }

    func testCanonicalStringKeepsOrderAndNormalizedSortsMembers() throws {
        let schema = try parse(#" { "type" : "object", "properties" : { "b" : { "type" : "number", "maximum" : 1.50 }, "a" : {} } } "#)
        XCTAssertEqual(schema.canonicalString, #"{"type":"object","properties":{"b":{"type":"number","maximum":1.50},"a":{}}}"#)
        XCTAssertEqual(schema.normalized(), #"{"properties":{"a":{},"b":{"maximum":1.50,"type":"number"}},"type":"object"}"#)
        XCTAssertEqual(try parse(schema.normalized()).normalized(), schema.normalized())
        XCTAssertEqual(try SchemaFormats.parse("true", type: .json).canonicalString, "true")
        // Numbers as Jackson (reading exact BigDecimals) writes them back, which Confluent stores.
        let numbers = try parse(#"{"enum":[1e2,-0,0.0000001,1.50,-1.5e-3,123.0e5,12345678901234567890,0.5]}"#)
        XCTAssertEqual(numbers.canonicalString, #"{"enum":[1E+2,0,1E-7,1.50,-0.0015,1.230E+7,12345678901234567890,0.5]}"#)
        XCTAssertEqual(try parse(#"{"title":"a\u001f\n\u00e9\\u001f"}"#).canonicalString, #"{"title":"a\u001F\né\\u001f"}"#)
    }

    func testRandomMutationsTruncationsAndDeepNestingNeverCrash() {
        let seeds = [
            ##"{"type":"object","properties":{"a":{"type":["string","null"],"maxLength":3},"b":{"$ref":"#/definitions/b"}},"definitions":{"b":{"enum":[1,2]}},"required":["a"]}"##,
            ##"{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"const":1}],"items":{"$ref":"#"},"$defs":{"x":{"$anchor":"x","pattern":"a(b|c)*"}}}"##,
            ##"{"allOf":[{"$ref":"#/definitions/a"},{"not":{"type":"null"}}],"definitions":{"a":{"anyOf":[{"type":"integer","multipleOf":2},{"$ref":"#"}]}}}"##,
        ]
        var rng = SeededRNG(seed: 13)
        let alphabet = Array(#"{}[]":,#/$ref type items 0123456789.-truefalsnul\()*+?"#.utf8)
        var accepted: [JSONSchemaDocument] = []
        let values = ["null", "1", "-2.5", #""abc""#, "[1,\"a\",null]", #"{"a":"x","b":[1,2],"k":1}"#, "true"].map { try! JSONParser.parse($0) }
        for _ in 0..<4000 {
            var bytes = Array(seeds.randomElement(using: &rng)!.utf8)
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                case 1: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                default: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...6, using: &rng)))
                }
                if bytes.isEmpty { bytes = Array("{}".utf8) }
            }
            if let schema = try? parse(String(decoding: bytes, as: UTF8.self)) {
                _ = schema.compatibilityIssues(readingDataWrittenWith: schema)
                if let other = accepted.randomElement(using: &rng) {
                    _ = schema.compatibilityIssues(readingDataWrittenWith: other)
                    _ = other.compatibilityIssues(readingDataWrittenWith: schema)
                }
                for value in values { _ = schema.violations(of: value, budget: 10_000) }
                accepted.append(schema)
            }
        }
        XCTAssertGreaterThan(accepted.count, 100, "some mutations stay valid")
        for seed in seeds {
            for end in 0..<seed.utf8.count {
                _ = try? parse(String(decoding: Array(seed.utf8)[..<end], as: UTF8.self))
            }
        }
        let deep = String(repeating: #"{"items":"#, count: 200) + "{}" + String(repeating: "}", count: 200)
        XCTAssertNoThrow(try parse(deep))
        let tooDeep = String(repeating: #"{"not":"#, count: 5000) + "{}" + String(repeating: "}", count: 5000)
        XCTAssertThrowsError(try parse(tooDeep))
    }
}
