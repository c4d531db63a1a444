/// Why a JSON value does not conform to a schema: where in the value, and what rule it broke.
public struct JSONSchemaViolation: Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer into the value (`#/items/2/name`).
    public var instancePath: String
    public var message: String

    public var description: String { "\(instancePath): \(message)" }
}

extension JSONSchemaDocument {
    /// The ways `value` breaks this schema; empty when it conforms. Checks types, properties,
    /// required, additional and pattern properties, dependencies, items, enum/const, numeric and
    /// string limits, combinations, `not`, `if`/`then`/`else`, `$ref`s and `unevaluatedProperties`.
    /// `format`, `unevaluatedItems` and `contentSchema` are not checked. A schema that would need more than `budget` steps (or
    /// nests references deeper than 256 on one value) yields a violation rather than running on.
    public func violations(of value: JSONValue, budget: Int = 1_000_000) -> [JSONSchemaViolation] {
        var validator = JSONSchemaValidator(graph: graph, stepsLeft: budget)
        var found = validator.check(graph.root, value, path: [], depth: 0)
        if validator.exhausted {
            found.append(JSONSchemaViolation(instancePath: "#", message: "checking this value against the schema needs more than \(budget) steps or nests too deep; refused"))
        }
        return found
    }
}

/// Walks a value and a schema graph together, counting steps so hostile schemas cannot run away.
struct JSONSchemaValidator {
    let graph: JSONSchemaGraph
    var stepsLeft: Int
    var exhausted = false
    /// Nodes made from one keyword group of a schema object; its other groups share their
    /// `unevaluatedProperties`, so that is checked once, on the synthetic `allOf` holding them.
    let syntheticParts: Set<Int>

    init(graph: JSONSchemaGraph, stepsLeft: Int) {
        self.graph = graph
        self.stepsLeft = stepsLeft
        var parts = Set<Int>()
        for node in graph.nodes {
            if case let .combined(_, members, synthetic: true) = node.kind { parts.formUnion(members) }
        }
        syntheticParts = parts
    }

    static let maximumDepth = 256

    func violation(_ path: [String], _ message: String) -> JSONSchemaViolation {
        JSONSchemaViolation(instancePath: JSONPointer.fragment(path), message: message)
    }

    mutating func check(_ id: Int, _ value: JSONValue, path: [String], depth: Int) -> [JSONSchemaViolation] {
        stepsLeft -= 1
        guard stepsLeft > 0, depth < Self.maximumDepth, !exhausted else {
            exhausted = true
            return []
        }
        return checkKeywords(id, value, path: path, depth: depth) + checkUnevaluatedProperties(id, value, path: path, depth: depth)
    }

    private mutating func checkKeywords(_ id: Int, _ value: JSONValue, path: [String], depth: Int) -> [JSONSchemaViolation] {
        let node = graph[graph.dereferenced(id)]
        switch node.kind {
        case .empty:
            return []
        case .never:
            return [violation(path, "no value is allowed here")]
        case .reference(let target, _):
            return check(target, value, path: path, depth: depth + 1)
        case .boolean:
            return value.boolValue != nil ? [] : [violation(path, "expected a boolean")]
        case .null:
            return value == .null ? [] : [violation(path, "expected null")]
        case .string(let rules):
            return checkString(rules, value, path)
        case .number(let rules):
            return checkNumber(rules, value, path)
        case .enumeration(let allowed):
            let key = value.schemaEqualityKey
            return allowed.contains { $0.schemaEqualityKey == key } ? [] : [violation(path, "\(value.compactText) is not one of the enum values")]
        case .constant(let allowed):
            return allowed.schemaEqualityKey == value.schemaEqualityKey ? [] : [violation(path, "expected the constant \(allowed.compactText)")]
        case .not(let negated):
            return check(negated, value, path: path, depth: depth + 1).isEmpty ? [violation(path, "the value matches a schema under 'not'")] : []
        case let .combined(combination, members, _):
            return checkCombination(combination, members, value, path: path, depth: depth)
        case let .conditional(condition, then, otherwise):
            guard let condition else { return [] }
            let branch = check(condition, value, path: path, depth: depth + 1).isEmpty ? then : otherwise
            return branch.map { check($0, value, path: path, depth: depth + 1) } ?? []
        case .object(let rules):
            return checkObject(rules, value, path: path, depth: depth)
        case .array(let rules):
            return checkArray(rules, value, path: path, depth: depth)
        }
    }

    private mutating func checkCombination(
        _ combination: JSONSchemaNode.Combination, _ members: [Int], _ value: JSONValue, path: [String], depth: Int
    ) -> [JSONSchemaViolation] {
        switch combination {
        case .allOf:
            return members.flatMap { check($0, value, path: path, depth: depth + 1) }
        case .anyOf:
            var first: [JSONSchemaViolation] = []
            for member in members {
                let found = check(member, value, path: path, depth: depth + 1)
                if found.isEmpty { return [] }
                if first.isEmpty { first = found }
            }
            return [violation(path, "the value matches none of the 'anyOf' schemas")] + first.prefix(3)
        case .oneOf:
            let matching = members.filter { check($0, value, path: path, depth: depth + 1).isEmpty }.count
            if matching == 1 { return [] }
            return [violation(path, "the value matches \(matching) of the 'oneOf' schemas, not exactly one")]
        }
    }

    private func checkString(_ rules: JSONSchemaNode.StringRules, _ value: JSONValue, _ path: [String]) -> [JSONSchemaViolation] {
        guard case let .string(text) = value else {
            return rules.requiresString ? [violation(path, "expected a string")] : []
        }
        var found: [JSONSchemaViolation] = []
        let length = text.unicodeScalars.count
        if let min = rules.minLength, length < min { found.append(violation(path, "shorter than \(min) characters")) }
        if let max = rules.maxLength, length > max { found.append(violation(path, "longer than \(max) characters")) }
        if let pattern = rules.pattern {
            switch JSONSchemaPattern.matches(pattern, text) {
            case true?: break
            case false?: found.append(violation(path, "does not match the pattern \(pattern)"))
            case nil: found.append(violation(path, "cannot be checked against the pattern \(pattern) safely (pattern too complex or text too long); refused"))
            }
        }
        return found
    }

    private func checkNumber(_ rules: JSONSchemaNode.NumberRules, _ value: JSONValue, _ path: [String]) -> [JSONSchemaViolation] {
        guard let number = value.doubleValue else {
            return rules.requiresNumber || rules.requiresInteger ? [violation(path, rules.requiresInteger ? "expected an integer" : "expected a number")] : []
        }
        var found: [JSONSchemaViolation] = []
        if rules.requiresInteger, number.rounded() != number { found.append(violation(path, "expected an integer")) }
        if let min = rules.minimum, rules.minimumIsExclusive ? number <= min : number < min {
            found.append(violation(path, "less than the minimum \(min)"))
        }
        if let max = rules.maximum, rules.maximumIsExclusive ? number >= max : number > max {
            found.append(violation(path, "greater than the maximum \(max)"))
        }
        if let min = rules.exclusiveMinimum, number <= min { found.append(violation(path, "not greater than \(min)")) }
        if let max = rules.exclusiveMaximum, number >= max { found.append(violation(path, "not less than \(max)")) }
        if let divisor = rules.multipleOf.flatMap(Double.init), divisor > 0 {
            let quotient = number / divisor
            if !quotient.isFinite || abs(quotient - quotient.rounded()) > 1e-9 * max(1, abs(quotient)) {
                found.append(violation(path, "not a multiple of \(divisor)"))
            }
        }
        return found
    }

    private mutating func checkObject(_ rules: JSONSchemaNode.ObjectRules, _ value: JSONValue, path: [String], depth: Int) -> [JSONSchemaViolation] {
        guard case let .object(members) = value else {
            return rules.requiresObject ? [violation(path, "expected an object")] : []
        }
        var found: [JSONSchemaViolation] = []
        let names = Set(members.map(\.0))
        for name in rules.required where !names.contains(name) {
            found.append(violation(path, "the required property '\(name)' is missing"))
        }
        if let min = rules.minProperties, members.count < min { found.append(violation(path, "fewer than \(min) properties")) }
        if let max = rules.maxProperties, members.count > max { found.append(violation(path, "more than \(max) properties")) }
        for (name, member) in members {
            let memberPath = path + [name]
            var covered = false
            if let schema = rules.property(name) {
                covered = true
                found += check(schema, member, path: memberPath, depth: depth + 1)
            }
            for (pattern, schema) in rules.patternProperties {
                switch JSONSchemaPattern.matches(pattern, name) {
                case true?:
                    covered = true
                    found += check(schema, member, path: memberPath, depth: depth + 1)
                case false?: break
                case nil:
                    covered = true
                    found.append(violation(memberPath, "the name cannot be checked against the pattern \(pattern) safely; refused"))
                }
            }
            if !covered {
                if !rules.additionalPropertiesAllowed {
                    found.append(violation(memberPath, "the property '\(name)' is not allowed here"))
                } else if let schema = rules.additionalPropertiesSchema {
                    found += check(schema, member, path: memberPath, depth: depth + 1)
                }
            }
            if let namesSchema = rules.propertyNames {
                found += check(namesSchema, .string(name), path: memberPath, depth: depth + 1)
            }
        }
        for (name, needed) in rules.propertyDependencies where names.contains(name) {
            for other in needed where !names.contains(other) {
                found.append(violation(path, "'\(name)' is present, so '\(other)' is required"))
            }
        }
        for (name, schema) in rules.schemaDependencies where names.contains(name) {
            found += check(schema, value, path: path, depth: depth + 1)
        }
        return found
    }

    private mutating func checkArray(_ rules: JSONSchemaNode.ArrayRules, _ value: JSONValue, path: [String], depth: Int) -> [JSONSchemaViolation] {
        guard case let .array(items) = value else {
            return rules.requiresArray ? [violation(path, "expected an array")] : []
        }
        var found: [JSONSchemaViolation] = []
        if let min = rules.minItems, items.count < min { found.append(violation(path, "fewer than \(min) items")) }
        if let max = rules.maxItems, items.count > max { found.append(violation(path, "more than \(max) items")) }
        if rules.uniqueItems, Set(items.map(\.schemaEqualityKey)).count != items.count { found.append(violation(path, "the items are not unique")) }
        for (index, item) in items.enumerated() {
            let itemPath = path + [String(index)]
            if let tuple = rules.tupleItems {
                if index < tuple.count {
                    found += check(tuple[index], item, path: itemPath, depth: depth + 1)
                } else if !rules.additionalItemsAllowed {
                    found.append(violation(itemPath, "no item is allowed beyond the first \(tuple.count)"))
                } else if let schema = rules.additionalItemsSchema {
                    found += check(schema, item, path: itemPath, depth: depth + 1)
                }
            } else if let schema = rules.allItems {
                found += check(schema, item, path: itemPath, depth: depth + 1)
            }
        }
        if let contains = rules.contains {
            let matches = items.indices.filter { check(contains, items[$0], path: path + [String($0)], depth: depth + 1).isEmpty }.count
            let least = rules.minContains ?? 1
            if matches < least { found.append(violation(path, "fewer than \(least) items match 'contains'")) }
            if let most = rules.maxContains, matches > most { found.append(violation(path, "more than \(most) items match 'contains'")) }
        }
        return found
    }
}

extension JSONValue {
    /// A key equal for values JSON Schema calls equal: object members in any order, numbers by
    /// value (`1` and `1.0`), for `enum`, `const` and `uniqueItems`.
    var schemaEqualityKey: String {
        var out = ""
        appendEqualityKey(to: &out)
        return out
    }

    private func appendEqualityKey(to out: inout String) {
        switch self {
        case let .number(text):
            out += Double(text).map { "\($0)" } ?? text
        case let .array(items):
            out += "["
            for item in items {
                item.appendEqualityKey(to: &out)
                out += ","
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (name, value) in members.sorted(by: { $0.0 < $1.0 }) {
                JSONValue.writeString(name, to: &out)
                out += ":"
                value.appendEqualityKey(to: &out)
                out += ","
            }
            out += "}"
        default:
            out += compactText
        }
    }
}
