/// `unevaluatedProperties` (2019-09+): the members of an object that no `properties`,
/// `patternProperties`, `additionalProperties`, dependent schema or successful `allOf`/`anyOf`/
/// `oneOf`/`if`/`then`/`else`/`$ref` branch of the same schema object looked at must satisfy it.
extension JSONSchemaValidator {
    /// Violations of the `unevaluatedProperties` that `id` (a node just checked) carries, directly or
    /// as a part of the synthetic `allOf` its schema object became.
    mutating func checkUnevaluatedProperties(_ id: Int, _ value: JSONValue, path: [String], depth: Int) -> [JSONSchemaViolation] {
        guard case let .object(members) = value, !syntheticParts.contains(id) else { return [] }
        var constraints: [Int] = []
        switch graph[graph.dereferenced(id)].kind {
        case let .object(rules):
            if let unevaluated = rules.unevaluatedProperties { constraints.append(unevaluated) }
        case let .combined(.allOf, parts, synthetic: true):
            for part in parts {
                if case let .object(rules) = graph[part].kind, let unevaluated = rules.unevaluatedProperties { constraints.append(unevaluated) }
            }
        default:
            break
        }
        guard !constraints.isEmpty else { return [] }
        let evaluated = evaluatedProperties(id, value, depth: depth, top: true)
        var found: [JSONSchemaViolation] = []
        for (name, member) in members where !evaluated.contains(name) {
            for constraint in constraints {
                if case .never = graph[graph.dereferenced(constraint)].kind {
                    found.append(violation(path + [name], "the property '\(name)' is not allowed here (unevaluated)"))
                } else {
                    found += check(constraint, member, path: path + [name], depth: depth + 1)
                }
            }
        }
        return found
    }

    /// The member names of `value` that the schema at `id` evaluates. `top` leaves out the
    /// `unevaluatedProperties` being checked; nested ones evaluate every remaining member.
    private mutating func evaluatedProperties(_ id: Int, _ value: JSONValue, depth: Int, top: Bool) -> Set<String> {
        guard case let .object(members) = value, depth < Self.maximumDepth, !exhausted else { return [] }
        stepsLeft -= 1
        if stepsLeft <= 0 { exhausted = true; return [] }
        let names = members.map(\.0)
        switch graph[graph.dereferenced(id)].kind {
        case let .object(rules):
            if rules.additionalPropertiesSchema != nil || (!top && rules.unevaluatedProperties.map { !isFalse($0) } == true) {
                return Set(names)
            }
            var evaluated = Set(names.filter { name in
                rules.property(name) != nil || rules.patternProperties.contains { JSONSchemaPattern.matches($0.0, name) == true }
            })
            for (name, schema) in rules.schemaDependencies where names.contains(name) {
                evaluated.formUnion(evaluatedProperties(schema, value, depth: depth + 1, top: false))
            }
            return evaluated
        case let .combined(combination, parts, synthetic):
            var evaluated = Set<String>()
            for part in parts {
                if combination != .allOf, !check(part, value, path: [], depth: depth + 1).isEmpty { continue }
                evaluated.formUnion(evaluatedProperties(part, value, depth: depth + 1, top: top && synthetic))
            }
            return evaluated
        case let .conditional(condition, then, otherwise):
            guard let condition else { return [] }
            if check(condition, value, path: [], depth: depth + 1).isEmpty {
                var evaluated = evaluatedProperties(condition, value, depth: depth + 1, top: false)
                if let then { evaluated.formUnion(evaluatedProperties(then, value, depth: depth + 1, top: false)) }
                return evaluated
            }
            return otherwise.map { evaluatedProperties($0, value, depth: depth + 1, top: false) } ?? []
        case let .reference(target, _):
            return evaluatedProperties(target, value, depth: depth + 1, top: false)
        default:
            return []
        }
    }

    private func isFalse(_ id: Int) -> Bool {
        if case .never = graph[graph.dereferenced(id)].kind { return true }
        return false
    }
}
