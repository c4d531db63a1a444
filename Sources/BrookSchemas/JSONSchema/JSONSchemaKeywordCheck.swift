/// Checks a schema document against its draft's meta-schema rules for the keywords whose shape
/// matters (value types, non-empty arrays, unique names, regex syntax), walking every subschema.
/// Unknown keywords are annotations and pass, as the meta-schemas let them.
struct JSONSchemaKeywordCheck {
    let draft: JSONSchemaDraft

    static let typeNames: Set<String> = ["array", "boolean", "integer", "null", "number", "object", "string"]

    static func check(_ document: JSONValue, draft: JSONSchemaDraft) throws(InvalidSchemaError) {
        if case .bool = document { return }  // Confluent takes `true`/`false` at the root in any draft
        try JSONSchemaKeywordCheck(draft: draft).checkSchema(document, at: [])
    }

    private func fail(_ path: [String], _ reason: String) -> InvalidSchemaError {
        InvalidSchemaError("Invalid JSON Schema (\(draft.rawValue)) at \(JSONPointer.fragment(path)): \(reason)")
    }

    func checkSchema(_ value: JSONValue, at path: [String]) throws(InvalidSchemaError) {
        switch value {
        case .bool:
            guard draft.allowsBooleanSchemas else { throw fail(path, "a schema must be an object in draft-04, not a boolean") }
        case let .object(members):
            for (keyword, member) in members {
                try checkKeyword(keyword, member, at: path + [keyword])
            }
        default:
            throw fail(path, "a schema must be an object\(draft.allowsBooleanSchemas ? " or a boolean" : "")")
        }
    }

    /// Keywords a draft introduced; in earlier drafts they are unknown words and pass unchecked.
    private static let introducedIn: [String: JSONSchemaDraft] = [
        "$id": .draft6, "contains": .draft6, "propertyNames": .draft6, "examples": .draft6,
        "$comment": .draft7, "contentMediaType": .draft7, "contentEncoding": .draft7, "readOnly": .draft7,
        "writeOnly": .draft7, "if": .draft7, "then": .draft7, "else": .draft7,
        "$anchor": .draft2019_09, "$recursiveRef": .draft2019_09, "$recursiveAnchor": .draft2019_09,
        "$vocabulary": .draft2019_09, "$defs": .draft2019_09, "dependentRequired": .draft2019_09,
        "dependentSchemas": .draft2019_09, "maxContains": .draft2019_09, "minContains": .draft2019_09,
        "unevaluatedItems": .draft2019_09, "unevaluatedProperties": .draft2019_09, "deprecated": .draft2019_09,
        "contentSchema": .draft2019_09,
        "$dynamicRef": .draft2020_12, "$dynamicAnchor": .draft2020_12, "prefixItems": .draft2020_12,
    ]

    private func checkKeyword(_ keyword: String, _ value: JSONValue, at path: [String]) throws(InvalidSchemaError) {
        if let since = Self.introducedIn[keyword], draft < since { return }
        if keyword == "id" && draft != .draft4 { return }
        switch keyword {
        case "$schema", "$ref", "title", "description", "format":
            try requireString(value, path, keyword)
        case "id", "$id":
            try requireString(value, path, keyword)
        case "$comment", "contentMediaType",
             "contentEncoding",
             "$recursiveRef", "$dynamicRef",
             "$dynamicAnchor":
            try requireString(value, path, keyword)
        case "$anchor":
            guard let name = value.stringValue, let first = name.unicodeScalars.first,
                  first.properties.isAlphabetic, first.isASCII,
                  name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)) })
            else { throw fail(path, "'$anchor' must be a name starting with a letter (letters, digits, '-', '_', ':', '.')") }
        case "multipleOf":
            guard let n = value.doubleValue, n > 0 else { throw fail(path, "'multipleOf' must be a number greater than 0") }
        case "maximum", "minimum":
            try requireNumber(value, path, keyword)
        case "exclusiveMaximum", "exclusiveMinimum":
            if draft == .draft4 {
                guard value.boolValue != nil else { throw fail(path, "'\(keyword)' must be a boolean in draft-04 (it qualifies 'maximum'/'minimum')") }
            } else {
                try requireNumber(value, path, keyword)
            }
        case "maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties":
            try requireCount(value, path, keyword)
        case "maxContains", "minContains":
            try requireCount(value, path, keyword)
        case "pattern":
            guard let pattern = value.stringValue else { throw fail(path, "'pattern' must be a string") }
            if let problem = RegexSyntax.problem(in: pattern) { throw fail(path, "'pattern' is not a valid regular expression: \(problem)") }
        case "uniqueItems", "readOnly", "writeOnly",
             "$recursiveAnchor", "deprecated":
            guard value.boolValue != nil else { throw fail(path, "'\(keyword)' must be a boolean") }
        case "additionalItems", "additionalProperties":
            if value.boolValue == nil { try checkSchema(value, at: path) }
        case "not", "contains", "propertyNames",
             "if", "then", "else",
             "unevaluatedItems", "unevaluatedProperties",
             "contentSchema":
            try checkSchema(value, at: path)
        case "items":
            if case let .array(schemas) = value {
                guard draft < .draft2020_12 else { throw fail(path, "'items' must be a single schema in 2020-12 (use 'prefixItems' for tuples)") }
                for (i, schema) in schemas.enumerated() { try checkSchema(schema, at: path + [String(i)]) }
            } else {
                try checkSchema(value, at: path)
            }
        case "prefixItems", "allOf", "anyOf", "oneOf":
            guard let schemas = value.arrayValue, !schemas.isEmpty else { throw fail(path, "'\(keyword)' must be a non-empty array of schemas") }
            for (i, schema) in schemas.enumerated() { try checkSchema(schema, at: path + [String(i)]) }
        case "properties", "definitions", "$defs",
             "dependentSchemas":
            guard let members = value.objectMembers else { throw fail(path, "'\(keyword)' must be an object whose values are schemas") }
            for (name, schema) in members { try checkSchema(schema, at: path + [name]) }
        case "patternProperties":
            guard let members = value.objectMembers else { throw fail(path, "'patternProperties' must be an object whose values are schemas") }
            for (pattern, schema) in members {
                if let problem = RegexSyntax.problem(in: pattern) {
                    throw fail(path, "the name '\(pattern)' is not a valid regular expression: \(problem)")
                }
                try checkSchema(schema, at: path + [pattern])
            }
        case "required":
            try requireUniqueStrings(value, path, keyword, nonEmpty: draft == .draft4)
        case "dependencies":
            guard let members = value.objectMembers else { throw fail(path, "'dependencies' must be an object") }
            for (name, dependency) in members {
                if case .array = dependency {
                    try requireUniqueStrings(dependency, path + [name], "dependencies/\(name)", nonEmpty: draft == .draft4)
                } else {
                    try checkSchema(dependency, at: path + [name])
                }
            }
        case "dependentRequired":
            guard let members = value.objectMembers else { throw fail(path, "'dependentRequired' must be an object of string arrays") }
            for (name, names) in members { try requireUniqueStrings(names, path + [name], "dependentRequired/\(name)", nonEmpty: false) }
        case "enum":
            guard let values = value.arrayValue else { throw fail(path, "'enum' must be an array") }
            if draft <= .draft7 {
                guard !values.isEmpty else { throw fail(path, "'enum' must list at least one value") }
                guard Set(values).count == values.count else { throw fail(path, "'enum' lists a value twice") }
            }
        case "type":
            try checkType(value, path)
        case "examples":
            guard value.arrayValue != nil else { throw fail(path, "'examples' must be an array") }
        case "$vocabulary":
            guard let members = value.objectMembers, members.allSatisfy({ $0.1.boolValue != nil })
            else { throw fail(path, "'$vocabulary' must map URIs to booleans") }
        default:
            break
        }
    }

    private func checkType(_ value: JSONValue, _ path: [String]) throws(InvalidSchemaError) {
        let expected = "'type' must be one of \(Self.typeNames.sorted().joined(separator: ", ")) or a non-empty array of them without repeats"
        switch value {
        case let .string(name):
            guard Self.typeNames.contains(name) else { throw fail(path, "unknown type '\(name)'; \(expected)") }
        case let .array(items):
            var seen = Set<String>()
            guard !items.isEmpty else { throw fail(path, expected) }
            for item in items {
                guard let name = item.stringValue, Self.typeNames.contains(name), seen.insert(name).inserted else {
                    throw fail(path, expected)
                }
            }
        default:
            throw fail(path, expected)
        }
    }

    private func requireString(_ value: JSONValue, _ path: [String], _ keyword: String) throws(InvalidSchemaError) {
        guard value.stringValue != nil else { throw fail(path, "'\(keyword)' must be a string") }
    }

    private func requireNumber(_ value: JSONValue, _ path: [String], _ keyword: String) throws(InvalidSchemaError) {
        guard value.doubleValue != nil else { throw fail(path, "'\(keyword)' must be a number") }
    }

    private func requireCount(_ value: JSONValue, _ path: [String], _ keyword: String) throws(InvalidSchemaError) {
        guard let n = value.int64Value, n >= 0 else { throw fail(path, "'\(keyword)' must be a non-negative integer") }
    }

    private func requireUniqueStrings(_ value: JSONValue, _ path: [String], _ keyword: String, nonEmpty: Bool) throws(InvalidSchemaError) {
        guard let items = value.arrayValue else { throw fail(path, "'\(keyword)' must be an array of property names") }
        var seen = Set<String>()
        for item in items {
            guard let name = item.stringValue else { throw fail(path, "'\(keyword)' must contain only strings") }
            guard seen.insert(name).inserted else { throw fail(path, "'\(keyword)' names '\(name)' twice") }
        }
        if nonEmpty && items.isEmpty { throw fail(path, "'\(keyword)' must not be empty in draft-04") }
    }
}
