@testable import BrookSchemas
import XCTest

/// Confluent's JSON Schema rules, row by row: `old` is the registered schema, `new` the candidate;
/// BACKWARD compares (original: old, update: new), i.e. new reads data written with old.
final class JSONSchemaCompatibilityTests: XCTestCase {
    private struct Row {
        var old: String
        var new: String
        /// Every difference (compatible or not) the comparison must report.
        var kinds: [String]
        var backwardCompatible: Bool
        var line: UInt
    }

    private func row(_ old: String, _ new: String, _ kinds: [String], _ compatible: Bool, line: UInt = #line) -> Row {
        Row(old: old, new: new, kinds: kinds, backwardCompatible: compatible, line: line)
    }

    private func obj(_ properties: String, required: String = "[]", extra: String = "") -> String {
        #"{"type":"object","properties":{\#(properties)},"required":\#(required)\#(extra)}"#
    }

    private var rows: [Row] {
        let closed = #","additionalProperties":false"#
        return [
            // Identity and annotations
            row(#"{"type":"string"}"#, #"{"type":"string"}"#, [], true),
            row(#"{"type":"string","title":"a","description":"x","default":"d"}"#, #"{"type":"string","title":"b","description":"y","default":"e"}"#,
                ["TITLE_CHANGED", "DESCRIPTION_CHANGED", "DEFAULT_CHANGED"], true),
            row(#"{"$id":"http://a","type":"string"}"#, #"{"$id":"http://b","type":"string"}"#, ["ID_CHANGED"], true),
            // Types
            row(#"{"type":"string"}"#, #"{"type":"integer"}"#, ["TYPE_CHANGED"], false),
            row(#"{"type":"integer"}"#, #"{"type":"number"}"#, ["TYPE_EXTENDED"], true),
            row(#"{"type":"number"}"#, #"{"type":"integer"}"#, ["TYPE_NARROWED"], false),
            row(#"{"type":"string"}"#, #"{}"#, [], true),
            row(#"{"type":"string"}"#, "true", [], true),
            row(#"{}"#, #"{"type":"string"}"#, ["TYPE_CHANGED"], false),
            row("false", #"{"type":"string"}"#, [], true),
            row(#"{"type":"string"}"#, "false", ["TYPE_CHANGED"], false),
            row(#"{"type":"string","connect.type":"bytes"}"#, #"{"type":"number","connect.type":"bytes"}"#, [], true),
            row(#"{"type":"string"}"#, #"{"type":["string","null"]}"#, ["SUM_TYPE_EXTENDED"], true),
            row(#"{"type":["string","null"]}"#, #"{"type":"string"}"#, ["TYPE_CHANGED"], false),
            row(#"{"type":["string","null"]}"#, #"{"type":["string","null","integer"]}"#, ["SUM_TYPE_EXTENDED"], true),
            row(#"{"type":["string","null","integer"]}"#, #"{"type":["string","null"]}"#, ["SUM_TYPE_NARROWED"], false),
            row(#"{"type":["string","integer"]}"#, #"{"type":["string","number"]}"#, ["TYPE_EXTENDED"], true),
            row(#"{"type":["string","integer"]}"#, #"{"type":["string","boolean"]}"#, ["COMBINED_TYPE_SUBSCHEMAS_CHANGED"], false),
            // Strings
            row(#"{"type":"string"}"#, #"{"type":"string","maxLength":5}"#, ["MAX_LENGTH_ADDED"], false),
            row(#"{"type":"string","maxLength":5}"#, #"{"type":"string"}"#, ["MAX_LENGTH_REMOVED"], true),
            row(#"{"type":"string","maxLength":5}"#, #"{"type":"string","maxLength":6}"#, ["MAX_LENGTH_INCREASED"], true),
            row(#"{"type":"string","maxLength":5}"#, #"{"type":"string","maxLength":4}"#, ["MAX_LENGTH_DECREASED"], false),
            row(#"{"type":"string"}"#, #"{"type":"string","minLength":1}"#, ["MIN_LENGTH_ADDED"], false),
            row(#"{"type":"string","minLength":2}"#, #"{"type":"string"}"#, ["MIN_LENGTH_REMOVED"], true),
            row(#"{"type":"string","minLength":2}"#, #"{"type":"string","minLength":3}"#, ["MIN_LENGTH_INCREASED"], false),
            row(#"{"type":"string","minLength":2}"#, #"{"type":"string","minLength":1}"#, ["MIN_LENGTH_DECREASED"], true),
            row(#"{"type":"string"}"#, #"{"type":"string","pattern":"^a"}"#, ["PATTERN_ADDED"], false),
            row(#"{"type":"string","pattern":"^a"}"#, #"{"type":"string"}"#, ["PATTERN_REMOVED"], true),
            row(#"{"type":"string","pattern":"^a"}"#, #"{"type":"string","pattern":"^b"}"#, ["PATTERN_CHANGED"], false),
            // Numbers
            row(#"{"type":"number"}"#, #"{"type":"number","maximum":10}"#, ["MAXIMUM_ADDED"], false),
            row(#"{"type":"number","maximum":10}"#, #"{"type":"number"}"#, ["MAXIMUM_REMOVED"], true),
            row(#"{"type":"number","maximum":10}"#, #"{"type":"number","maximum":11}"#, ["MAXIMUM_INCREASED"], true),
            row(#"{"type":"number","maximum":10}"#, #"{"type":"number","maximum":9.5}"#, ["MAXIMUM_DECREASED"], false),
            row(#"{"type":"number"}"#, #"{"type":"number","minimum":0}"#, ["MINIMUM_ADDED"], false),
            row(#"{"type":"number","minimum":0}"#, #"{"type":"number"}"#, ["MINIMUM_REMOVED"], true),
            row(#"{"type":"number","minimum":0}"#, #"{"type":"number","minimum":1}"#, ["MINIMUM_INCREASED"], false),
            row(#"{"type":"number","minimum":0}"#, #"{"type":"number","minimum":-1}"#, ["MINIMUM_DECREASED"], true),
            row(#"{"type":"number","maximum":10}"#, #"{"type":"number","maximum":10.0}"#, [], true),
            row(#"{"type":"number"}"#, #"{"type":"number","exclusiveMaximum":10}"#, ["EXCLUSIVE_MAXIMUM_ADDED"], false),
            row(#"{"type":"number","exclusiveMaximum":10}"#, #"{"type":"number"}"#, ["EXCLUSIVE_MAXIMUM_REMOVED"], true),
            row(#"{"type":"number","exclusiveMaximum":10}"#, #"{"type":"number","exclusiveMaximum":12}"#, ["EXCLUSIVE_MAXIMUM_INCREASED"], true),
            row(#"{"type":"number","exclusiveMaximum":10}"#, #"{"type":"number","exclusiveMaximum":8}"#, ["EXCLUSIVE_MAXIMUM_DECREASED"], false),
            row(#"{"type":"number"}"#, #"{"type":"number","exclusiveMinimum":0}"#, ["EXCLUSIVE_MINIMUM_ADDED"], false),
            row(#"{"type":"number","exclusiveMinimum":0}"#, #"{"type":"number"}"#, ["EXCLUSIVE_MINIMUM_REMOVED"], true),
            row(#"{"type":"number","exclusiveMinimum":0}"#, #"{"type":"number","exclusiveMinimum":1}"#, ["EXCLUSIVE_MINIMUM_INCREASED"], false),
            row(#"{"type":"number","exclusiveMinimum":0}"#, #"{"type":"number","exclusiveMinimum":-1}"#, ["EXCLUSIVE_MINIMUM_DECREASED"], true),
            row(#"{"type":"number"}"#, #"{"type":"number","multipleOf":2}"#, ["MULTIPLE_OF_ADDED"], false),
            row(#"{"type":"number","multipleOf":2}"#, #"{"type":"number"}"#, ["MULTIPLE_OF_REMOVED"], true),
            row(#"{"type":"number","multipleOf":2}"#, #"{"type":"number","multipleOf":4}"#, ["MULTIPLE_OF_EXPANDED"], false),
            row(#"{"type":"number","multipleOf":4}"#, #"{"type":"number","multipleOf":2}"#, ["MULTIPLE_OF_REDUCED"], true),
            row(#"{"type":"number","multipleOf":0.5}"#, #"{"type":"number","multipleOf":0.1}"#, ["MULTIPLE_OF_REDUCED"], true),
            row(#"{"type":"number","multipleOf":2}"#, #"{"type":"number","multipleOf":3}"#, ["MULTIPLE_OF_CHANGED"], false),
            row(#"{"type":"number","multipleOf":0.5}"#, #"{"type":"number","multipleOf":0.50}"#, [], true),
            // Enums and const
            row(#"{"enum":["a","b"]}"#, #"{"enum":["a","b","c"]}"#, ["ENUM_ARRAY_EXTENDED"], true),
            row(#"{"enum":["a","b"]}"#, #"{"enum":["b","a"]}"#, [], true),
            row(#"{"enum":["a","b","c"]}"#, #"{"enum":["a","b"]}"#, ["ENUM_ARRAY_NARROWED"], false),
            row(#"{"enum":["a","b"]}"#, #"{"enum":["a","c"]}"#, ["ENUM_ARRAY_CHANGED"], false),
            row(#"{"type":"string","enum":["a"]}"#, #"{"type":"string","enum":["a","b"]}"#, ["ENUM_ARRAY_EXTENDED"], true),
            row(#"{"const":1}"#, #"{"const":2}"#, ["ENUM_ARRAY_CHANGED"], false),
            row(#"{"const":1}"#, #"{"const":1}"#, [], true),
            // Objects: open content model (no additionalProperties)
            row(obj(#""a":{"type":"string"}"#), obj(#""a":{"type":"string"},"b":{"type":"string"}"#),
                ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"], false),
            row(obj(#""a":{"type":"string"}"#), obj(#""a":{"type":"string"},"b":{}"#),
                ["PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"], true),
            row(obj(#""a":{"type":"string"}"#), obj(#""a":{"type":"string"},"b":{"type":"string"}"#, required: #"["b"]"#),
                ["REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"], false),
            row(obj(#""a":{"type":"string"}"#), obj(#""a":{"type":"string"},"b":{"type":"string","default":"x"}"#, required: #"["b"]"#),
                ["REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"], false),
            row(obj(#""a":{"type":"string"},"b":{"type":"string"}"#), obj(#""a":{"type":"string"}"#),
                ["PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL"], true),
            // Objects: closed content model
            row(obj(#""a":{"type":"string"}"#, extra: closed), obj(#""a":{"type":"string"},"b":{"type":"string"}"#, extra: closed),
                ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], true),
            row(obj(#""a":{"type":"string"}"#, extra: closed), obj(#""a":{"type":"string"},"b":{"type":"string"}"#, required: #"["b"]"#, extra: closed),
                ["REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], false),
            row(obj(#""a":{"type":"string"}"#, extra: closed), obj(#""a":{"type":"string"},"b":{"type":"string","default":"x"}"#, required: #"["b"]"#, extra: closed),
                ["REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"], true),
            row(obj(#""a":{"type":"string"},"b":{"type":"string"}"#, extra: closed), obj(#""a":{"type":"string"}"#, extra: closed),
                ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"], false),
            row(obj(#""a":{"type":"string"},"b":false"#, extra: closed), obj(#""a":{"type":"string"}"#, extra: closed),
                ["PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL"], true),
            // Objects: partially open content model
            row(obj(#""a":{"type":"string"}"#, extra: #","additionalProperties":{"type":"string"}"#),
                obj(#""a":{"type":"string"},"b":{"type":"string","maxLength":3}"#, extra: #","additionalProperties":{"type":"string"}"#),
                ["MAX_LENGTH_ADDED", "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], false),
            row(obj(#""a":{"type":"string"}"#, extra: #","additionalProperties":{"type":"string","maxLength":3}"#),
                obj(#""a":{"type":"string"},"b":{"type":"string"}"#, extra: #","additionalProperties":{"type":"string","maxLength":3}"#),
                ["MAX_LENGTH_REMOVED", "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], true),
            row(obj(#""a":{"type":"string"},"b":{"type":"integer"}"#, extra: #","additionalProperties":{"type":"number"}"#),
                obj(#""a":{"type":"string"}"#, extra: #","additionalProperties":{"type":"number"}"#),
                ["TYPE_EXTENDED", "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"], true),
            row(obj(#""a":{"type":"string"},"b":{"type":"string"}"#, extra: #","additionalProperties":{"type":"number"}"#),
                obj(#""a":{"type":"string"}"#, extra: #","additionalProperties":{"type":"number"}"#),
                ["TYPE_CHANGED", "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"], false),
            row(obj(#""a":{"type":"string"}"#, extra: #","patternProperties":{"^x_":{"type":"string"}},"additionalProperties":false"#),
                obj(#""a":{"type":"string"},"x_b":{"type":"string"}"#, extra: #","patternProperties":{"^x_":{"type":"string"}},"additionalProperties":false"#),
                ["PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"], true),
            row(obj(#""a":{"type":"string"}"#, extra: #","patternProperties":{"^x_":{"type":"string"}},"additionalProperties":false"#),
                obj(#""a":{"type":"string"},"y_b":{"type":"string"}"#, extra: #","patternProperties":{"^x_":{"type":"string"}},"additionalProperties":false"#),
                ["OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"], true),
            // Required
            row(obj(#""a":{"type":"string"}"#), obj(#""a":{"type":"string"}"#, required: #"["a"]"#), ["REQUIRED_ATTRIBUTE_ADDED"], false),
            row(obj(#""a":{"type":"string"}"#), obj(#""a":{"type":"string","default":"x"}"#, required: #"["a"]"#),
                ["REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED", "DEFAULT_CHANGED"], true),
            row(obj(#""a":{"type":"string"}"#, required: #"["a"]"#), obj(#""a":{"type":"string"}"#), ["REQUIRED_ATTRIBUTE_REMOVED"], true),
            // additionalProperties
            row(obj(#""a":{}"#, extra: closed), obj(#""a":{}"#), ["ADDITIONAL_PROPERTIES_ADDED"], true),
            row(obj(#""a":{}"#), obj(#""a":{}"#, extra: closed), ["ADDITIONAL_PROPERTIES_REMOVED"], false),
            row(obj(#""a":{}"#), obj(#""a":{}"#, extra: #","additionalProperties":{"type":"string"}"#), ["ADDITIONAL_PROPERTIES_NARROWED"], false),
            row(obj(#""a":{}"#, extra: #","additionalProperties":{"type":"string"}"#), obj(#""a":{}"#), ["ADDITIONAL_PROPERTIES_EXTENDED"], true),
            row(obj(#""a":{}"#, extra: #","additionalProperties":{"type":"string"}"#), obj(#""a":{}"#, extra: #","additionalProperties":{"type":"integer"}"#),
                ["TYPE_CHANGED"], false),
            // Object limits and dependencies
            row(#"{"type":"object"}"#, #"{"type":"object","maxProperties":3}"#, ["MAX_PROPERTIES_ADDED"], false),
            row(#"{"type":"object","maxProperties":3}"#, #"{"type":"object","maxProperties":4}"#, ["MAX_PROPERTIES_INCREASED"], true),
            row(#"{"type":"object","minProperties":3}"#, #"{"type":"object","minProperties":4}"#, ["MIN_PROPERTIES_INCREASED"], false),
            row(#"{"type":"object","minProperties":3}"#, #"{"type":"object"}"#, ["MIN_PROPERTIES_REMOVED"], true),
            row(#"{"type":"object"}"#, #"{"type":"object","dependencies":{"a":["b"]}}"#, ["DEPENDENCY_ARRAY_ADDED"], false),
            row(#"{"type":"object","dependencies":{"a":["b"]}}"#, #"{"type":"object"}"#, ["DEPENDENCY_ARRAY_REMOVED"], true),
            row(#"{"type":"object","dependencies":{"a":["b"]}}"#, #"{"type":"object","dependencies":{"a":["b","c"]}}"#, ["DEPENDENCY_ARRAY_EXTENDED"], false),
            row(#"{"type":"object","dependencies":{"a":["b","c"]}}"#, #"{"type":"object","dependencies":{"a":["b"]}}"#, ["DEPENDENCY_ARRAY_NARROWED"], true),
            row(#"{"type":"object","dependencies":{"a":["b"]}}"#, #"{"type":"object","dependencies":{"a":["c"]}}"#, ["DEPENDENCY_ARRAY_CHANGED"], false),
            row(#"{"type":"object"}"#, #"{"type":"object","dependencies":{"a":{"required":["b"]}}}"#, ["DEPENDENCY_SCHEMA_ADDED"], false),
            row(#"{"type":"object","dependencies":{"a":{"required":["b"]}}}"#, #"{"type":"object"}"#, ["DEPENDENCY_SCHEMA_REMOVED"], true),
            row(#"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object","dependentRequired":{"a":["b"]}}"#,
                #"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object"}"#, ["DEPENDENCY_ARRAY_REMOVED"], true),
            // Arrays
            row(#"{"type":"array"}"#, #"{"type":"array","items":{"type":"string"}}"#, ["SCHEMA_ADDED"], false),
            row(#"{"type":"array","items":{"type":"string"}}"#, #"{"type":"array"}"#, ["SCHEMA_REMOVED"], true),
            row(#"{"type":"array","items":{"type":"integer"}}"#, #"{"type":"array","items":{"type":"number"}}"#, ["TYPE_EXTENDED"], true),
            row(#"{"type":"array","items":{"type":"number"}}"#, #"{"type":"array","items":{"type":"integer"}}"#, ["TYPE_NARROWED"], false),
            row(#"{"type":"array"}"#, #"{"type":"array","maxItems":3}"#, ["MAX_ITEMS_ADDED"], false),
            row(#"{"type":"array","maxItems":3}"#, #"{"type":"array","maxItems":2}"#, ["MAX_ITEMS_DECREASED"], false),
            row(#"{"type":"array","minItems":3}"#, #"{"type":"array","minItems":2}"#, ["MIN_ITEMS_DECREASED"], true),
            row(#"{"type":"array"}"#, #"{"type":"array","uniqueItems":true}"#, ["UNIQUE_ITEMS_ADDED"], false),
            row(#"{"type":"array","uniqueItems":true}"#, #"{"type":"array"}"#, ["UNIQUE_ITEMS_REMOVED"], true),
            row(#"{"type":"array","items":[{"type":"string"}]}"#, #"{"type":"array","items":[{"type":"string"},{"type":"integer"}]}"#,
                ["ITEM_ADDED_TO_OPEN_CONTENT_MODEL"], false),
            row(#"{"type":"array","items":[{"type":"string"}]}"#, #"{"type":"array","items":[{"type":"string"},{}]}"#,
                ["ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"], true),
            row(#"{"type":"array","items":[{"type":"string"}],"additionalItems":false}"#, #"{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}"#,
                ["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"], true),
            row(#"{"type":"array","items":[{"type":"string"},{"type":"integer"}]}"#, #"{"type":"array","items":[{"type":"string"}]}"#,
                ["ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL"], true),
            row(#"{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}"#, #"{"type":"array","items":[{"type":"string"}],"additionalItems":false}"#,
                ["ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL"], false),
            row(#"{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":{"type":"number"}}"#,
                #"{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"number"}}"#,
                ["TYPE_EXTENDED", "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"], true),
            row(#"{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"string"}}"#,
                #"{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":{"type":"string"}}"#,
                ["TYPE_CHANGED", "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"], false),
            row(#"{"type":"array","items":[{}],"additionalItems":false}"#, #"{"type":"array","items":[{}]}"#, ["ADDITIONAL_ITEMS_ADDED"], true),
            row(#"{"type":"array","items":[{}]}"#, #"{"type":"array","items":[{}],"additionalItems":false}"#, ["ADDITIONAL_ITEMS_REMOVED"], false),
            row(#"{"type":"array","items":[{}]}"#, #"{"type":"array","items":[{}],"additionalItems":{"type":"string"}}"#, ["ADDITIONAL_ITEMS_NARROWED"], false),
            row(#"{"type":"array","items":[{}],"additionalItems":{"type":"string"}}"#, #"{"type":"array","items":[{}]}"#, ["ADDITIONAL_ITEMS_EXTENDED"], true),
            row(#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false}"#,
                #"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"},{"type":"integer"}],"items":false}"#,
                ["ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"], true),
            row(#"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"array","contains":{},"maxContains":2}"#,
                #"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"array","contains":{},"maxContains":1}"#, ["MAX_CONTAINS_DECREASED"], false),
            // unevaluatedProperties (2019-09+)
            row(#"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object"}"#,
                #"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object","unevaluatedProperties":false}"#, ["UNEVALUATED_PROPERTIES_REMOVED"], false),
            row(#"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object","unevaluatedProperties":false}"#,
                #"{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object"}"#, ["UNEVALUATED_PROPERTIES_ADDED"], true),
            // Combinations
            row(#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, #"{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"null"}]}"#,
                ["SUM_TYPE_EXTENDED"], true),
            row(#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, #"{"oneOf":[{"type":"string"}]}"#, ["SUM_TYPE_NARROWED"], false),
            row(#"{"allOf":[{"type":"object"},{"required":["a"]}]}"#, #"{"allOf":[{"type":"object"}]}"#, ["PRODUCT_TYPE_NARROWED"], true),
            row(#"{"allOf":[{"type":"object"}]}"#, #"{"allOf":[{"type":"object"},{"required":["a"]}]}"#, ["PRODUCT_TYPE_EXTENDED"], false),
            row(#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, #"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#, ["COMBINED_TYPE_EXTENDED"], true),
            row(#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#, #"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, ["COMBINED_TYPE_CHANGED"], false),
            row(#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#, #"{"allOf":[{"type":"string"},{"type":"integer"}]}"#, ["COMBINED_TYPE_CHANGED"], false),
            row(#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#, #"{"oneOf":[{"type":"string"},{"type":"boolean"}]}"#,
                ["COMBINED_TYPE_SUBSCHEMAS_CHANGED"], false),
            row(#"{"oneOf":[{"type":"string","maxLength":3},{"type":"integer"}]}"#, #"{"oneOf":[{"type":"integer"},{"type":"string"}]}"#,
                ["MAX_LENGTH_REMOVED"], true),
            row(#"{"type":"string"}"#, #"{"oneOf":[{"type":"string"},{"type":"null"}]}"#, ["SUM_TYPE_EXTENDED"], true),
            row(#"{"type":"string"}"#, #"{"oneOf":[{"type":"string"}]}"#, [], true),
            row(#"{"allOf":[{"type":"string"},{"maxLength":3}]}"#, #"{"type":"string"}"#, ["PRODUCT_TYPE_NARROWED"], true),
            row(#"{"anyOf":[{"type":"string"},{"type":"null"}]}"#, #"{"type":"string"}"#, ["TYPE_CHANGED"], false),
            // not
            row(#"{"not":{"type":"string"}}"#, #"{"not":{"type":["string","null"]}}"#, ["NOT_TYPE_EXTENDED"], false),
            row(#"{"not":{"type":["string","null"]}}"#, #"{"not":{"type":"string"}}"#, ["NOT_TYPE_NARROWED"], true),
            // Draft specifics: draft 4's boolean exclusiveMinimum qualifies minimum and is not compared
            // (everit keeps no limit for it); 2019-09 applies keywords beside $ref.
            row(#"{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":0}"#,
                #"{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":0,"exclusiveMinimum":true}"#, [], true),
            row(#"{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":0}"#,
                #"{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","minimum":1}"#, ["MINIMUM_INCREASED"], false),
            row(##"{"definitions":{"s":{"type":"string"}},"properties":{"p":{"$ref":"#/definitions/s"}}}"##,
                ##"{"definitions":{"s":{"type":"string"}},"properties":{"p":{"$ref":"#/definitions/s","maxLength":3}}}"##, [], true),
            row(##"{"$schema":"https://json-schema.org/draft/2019-09/schema","$defs":{"s":{"type":"string"}},"properties":{"p":{"$ref":"#/$defs/s"}}}"##,
                ##"{"$schema":"https://json-schema.org/draft/2019-09/schema","$defs":{"s":{"type":"string"}},"properties":{"p":{"$ref":"#/$defs/s","maxLength":3}}}"##,
                ["TYPE_CHANGED"], false),
            // Type inferred from keywords when `type` is absent
            row(#"{"maxLength":3}"#, #"{"maxLength":2}"#, ["MAX_LENGTH_DECREASED"], false),
            row(#"{"maxLength":3}"#, #"{"type":"string","maxLength":3}"#, [], true),
            row(#"{"properties":{"a":{}},"additionalProperties":false}"#, #"{"properties":{"a":{}}}"#, ["ADDITIONAL_PROPERTIES_ADDED"], true),
            // Nested paths and references
            row(obj(##""a":{"$ref":"#/definitions/s"}"##, extra: ##","definitions":{"s":{"type":"string"}}"##),
                obj(##""a":{"$ref":"#/definitions/s"}"##, extra: ##","definitions":{"s":{"type":"string","maxLength":2}}"##), ["MAX_LENGTH_ADDED"], false),
            row(obj(##""a":{"type":"string"}"##), obj(##""a":{"$ref":"#/definitions/s"}"##, extra: ##","definitions":{"s":{"type":"string"}}"##), [], true),
        ]
    }

    private func differences(old: String, new: String) throws -> [JSONSchemaDifference] {
        let writer = try JSONSchemaDocument(old), reader = try JSONSchemaDocument(new)
        return JSONSchemaDiff.differences(original: writer.graph, update: reader.graph).differences
    }

    func testConfluentDifferenceTable() throws {
        XCTAssertGreaterThan(rows.count, 120)
        XCTAssertGreaterThan(rows.filter(\.backwardCompatible).count, 40)
        XCTAssertGreaterThan(rows.filter { !$0.backwardCompatible }.count, 40)
        for row in rows {
            let found = try differences(old: row.old, new: row.new)
            let kinds = Set(found.map(\.kind.rawValue))
            for expected in row.kinds {
                XCTAssertTrue(kinds.contains(expected), "expected \(expected) in \(kinds.sorted())", line: row.line)
            }
            if row.kinds.isEmpty {
                XCTAssertTrue(found.allSatisfy(\.isCompatible), "unexpected \(kinds.sorted())", line: row.line)
            }
            let issues = try JSONSchemaDocument(row.new).compatibilityIssues(readingDataWrittenWith: try JSONSchemaDocument(row.old))
            XCTAssertEqual(issues.isEmpty, row.backwardCompatible, "issues: \(issues)", line: row.line)
        }
    }

    func testPathsNameWhatChanged() throws {
        let found = try differences(old: obj(#""a":{"type":"object","properties":{"b":{"type":"string"}}}"#),
                                    new: obj(#""a":{"type":"object","properties":{"b":{"type":"string","maxLength":3}}}"#))
        XCTAssertEqual(found.map(\.jsonPath), ["#/properties/a/properties/b/maxLength"])
        let issues = try JSONSchemaDocument(obj(#""a":{"type":"string"},"b":{"type":"integer"}"#, extra: #","additionalProperties":false"#))
            .compatibilityIssues(readingDataWrittenWith: try JSONSchemaDocument(obj(#""a":{"type":"string"},"b":{"type":"string"}"#)))
        XCTAssertEqual(issues.map(\.errorType).sorted(), ["ADDITIONAL_PROPERTIES_REMOVED", "TYPE_CHANGED"])
        XCTAssertEqual(issues.first { $0.errorType == "TYPE_CHANGED" }?.path, "#/properties/b")
        XCTAssertTrue(issues.allSatisfy { $0.detail.contains($0.path) })
        let added = try JSONSchemaDocument(#"{"type":"string","maxLength":3}"#).compatibilityIssues(readingDataWrittenWith: try JSONSchemaDocument(#"{"type":"string"}"#))
        XCTAssertEqual(added.map(\.description),
                       ["{errorType:'MAX_LENGTH_ADDED', description:'The reader schema has the keyword at '#/maxLength', which the writer schema lacks', path:'#/maxLength'}"])
    }

    func testLevelsThroughTheChecker() throws {
        let v1 = try JSONSchemaDocument(obj(#""a":{"type":"string"}"#, extra: #","additionalProperties":false"#))
        let v2 = try JSONSchemaDocument(obj(#""a":{"type":"string"},"b":{"type":"string"}"#, extra: #","additionalProperties":false"#))
        // Adding an optional property to a closed model: BACKWARD yes, FORWARD no (old closed reader drops b's data).
        XCTAssertTrue(CompatibilityChecker.issues(new: v2, previous: [v1], level: .backward).isEmpty)
        XCTAssertEqual(CompatibilityChecker.issues(new: v2, previous: [v1], level: .forward).map(\.errorType),
                       ["PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL"])
        XCTAssertFalse(CompatibilityChecker.issues(new: v2, previous: [v1], level: .full).isEmpty)
        XCTAssertTrue(CompatibilityChecker.issues(new: v2, previous: [v1], level: .none).isEmpty)
        // Open models: removing a property is BACKWARD-safe, adding one is FORWARD-safe.
        let open1 = try JSONSchemaDocument(obj(#""a":{"type":"string"},"b":{"type":"string"}"#))
        let open2 = try JSONSchemaDocument(obj(#""a":{"type":"string"}"#))
        XCTAssertTrue(CompatibilityChecker.issues(new: open2, previous: [open1], level: .backward).isEmpty)
        XCTAssertEqual(CompatibilityChecker.issues(new: open2, previous: [open1], level: .forward).map(\.errorType),
                       ["OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"])
        // Transitive levels check every earlier version.
        let s1 = try JSONSchemaDocument(#"{"type":"string","maxLength":10}"#)
        let s2 = try JSONSchemaDocument(#"{"type":"string","maxLength":20}"#)
        let s3 = try JSONSchemaDocument(#"{"type":"string","maxLength":15}"#)
        XCTAssertFalse(CompatibilityChecker.issues(new: s3, previous: [s1, s2], level: .backward).isEmpty)
        XCTAssertTrue(CompatibilityChecker.issues(new: s3, previous: [s1, s2], level: .forward).isEmpty)
        XCTAssertFalse(CompatibilityChecker.issues(new: s3, previous: [s1, s2], level: .forwardTransitive).isEmpty)
    }

    func testRecursiveSchemasCompareAndStillFindDeepBreaks() throws {
        let list = ##"{"definitions":{"node":{"type":"object","properties":{"v":{"type":"%@"},"next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"}"##
        let ints = list.replacingOccurrences("%@", "integer"), numbers = list.replacingOccurrences("%@", "number")
        XCTAssertTrue(try differences(old: ints, new: ints).allSatisfy(\.isCompatible))
        XCTAssertTrue(try JSONSchemaDocument(numbers).compatibilityIssues(readingDataWrittenWith: try JSONSchemaDocument(ints)).isEmpty)
        // The break shows at the first level and, through the cycle, at every level below.
        let narrowed = try JSONSchemaDocument(ints).compatibilityIssues(readingDataWrittenWith: try JSONSchemaDocument(numbers))
        XCTAssertEqual(Set(narrowed.map(\.errorType)), ["TYPE_NARROWED"])
        XCTAssertTrue(narrowed.contains { $0.path == "#/properties/v" })
        // Mutual recursion through combinations.
        let tree = ##"{"definitions":{"t":{"anyOf":[{"type":"%@"},{"type":"array","items":{"$ref":"#/definitions/t"}}]}},"$ref":"#/definitions/t"}"##
        XCTAssertTrue(try JSONSchemaDocument(tree.replacingOccurrences("%@", "number"))
            .compatibilityIssues(readingDataWrittenWith: try JSONSchemaDocument(tree.replacingOccurrences("%@", "integer"))).isEmpty)
        XCTAssertFalse(try JSONSchemaDocument(tree.replacingOccurrences("%@", "string"))
            .compatibilityIssues(readingDataWrittenWith: try JSONSchemaDocument(tree.replacingOccurrences("%@", "integer"))).isEmpty)
    }

    func testReferencedSchemasTakePartInTheComparison() throws {
        func address(_ zip: String) -> [ResolvedReference] {
            [ResolvedReference(reference: SchemaReference(name: "address.json", subject: "address", version: 1),
                               schema: #"{"type":"object","properties":{"zip":{"type":"\#(zip)"}}}"#)]
        }
        let root = #"{"type":"object","properties":{"home":{"$ref":"address.json"}}}"#
        let old = try JSONSchemaDocument(root, references: address("integer"))
        let new = try JSONSchemaDocument(root, references: address("string"))
        XCTAssertEqual(new.compatibilityIssues(readingDataWrittenWith: old).map(\.path), ["#/properties/home/properties/zip"])
    }

    func testComparisonsBeyondTheStepBudgetAreRefused() throws {
        let branches = (0..<30).map { #"{"type":"object","properties":{"k":{"const":\#($0)}}}"# }.joined(separator: ",")
        let wide = try JSONSchemaDocument(#"{"oneOf":[\#(branches)]}"#)
        let issues = JSONSchemaDiff.incompatibilities(original: wide.graph, update: wide.graph, budget: 100)
        XCTAssertEqual(issues.map(\.errorType), ["COMPATIBILITY_CHECK_TOO_COMPLEX"])
        XCTAssertTrue(JSONSchemaDiff.incompatibilities(original: wide.graph, update: wide.graph).isEmpty)
    }

    func testLongReferenceChainsAreRefusedNotOverflowed() throws {
        let count = 3000
        let definitions = (0..<count).map { i in
            i + 1 < count ? ##""d\##(i)":{"type":"object","properties":{"x":{"$ref":"#/definitions/d\##(i + 1)"}}}"##
                : ##""d\##(i)":{"type":"string"}"##
        }.joined(separator: ",")
        let chain = try JSONSchemaDocument(##"{"definitions":{\##(definitions)},"$ref":"#/definitions/d0"}"##)
        XCTAssertEqual(chain.compatibilityIssues(readingDataWrittenWith: chain).map(\.errorType), ["COMPATIBILITY_CHECK_TOO_COMPLEX"])
        XCTAssertTrue(chain.violations(of: .object([])).isEmpty)
    }

    func testWideCombinationsStayFast() throws {
        let branches = (0..<40).map { #"{"type":"object","properties":{"k":{"const":\#($0)}},"required":["k"]}"# }.joined(separator: ",")
        let schema = ##"{"definitions":{"u":{"oneOf":[\##(branches),{"$ref":"#/definitions/u"}]}},"$ref":"#/definitions/u"}"##
        let document = try JSONSchemaDocument(schema)
        XCTAssertTrue(document.compatibilityIssues(readingDataWrittenWith: document).isEmpty)
    }
}

private extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
