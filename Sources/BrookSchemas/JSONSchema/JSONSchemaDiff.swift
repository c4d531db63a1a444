/// Confluent's JSON Schema compatibility rules (`json/diff/SchemaDiff` and friends) over two loaded
/// graphs: `original` is the schema data was written with, `update` the one that reads it.
///
/// Comparisons of a pair of nodes are memoised; a pair met again while it is still being compared
/// is a recursive cycle and counts as compatible for that pass. Passes repeat, feeding back the
/// pairs found incompatible, until the set stops changing (as Confluent does), so recursive
/// schemas neither loop nor hide a real break.
struct JSONSchemaDiff {
    /// A node of one of the two graphs (`side` 0 = original, 1 = update).
    struct Ref: Hashable {
        var side: Int
        var id: Int
    }

    private struct Pair: Hashable {
        var original: Ref
        var update: Ref
    }

    private let graphs: [JSONSchemaGraph]
    private var memo: [Pair: [JSONSchemaDifference]] = [:]
    private var inProgress = Set<Pair>()
    private var seed: [Pair: [JSONSchemaDifference]] = [:]
    private var usedOptimism = false
    private var stepsLeft: Int
    private var depth = 0

    static let maximumPasses = 16
    /// Pair comparisons allowed in one check; wide unions compared with wide unions cost their
    /// product, so a hostile pair of schemas is refused instead of occupying a core.
    static let maximumSteps = 2_000_000
    /// Nested pair comparisons on the stack (a chain of distinct `$ref`s can be long); beyond it the
    /// check is refused like one over budget.
    static let maximumDepth = 400

    /// Every difference between the two schemas, compatible or not; `complete` is false when the
    /// step budget ran out first.
    static func differences(
        original: JSONSchemaGraph, update: JSONSchemaGraph, budget: Int = maximumSteps
    ) -> (differences: [JSONSchemaDifference], complete: Bool) {
        var diff = JSONSchemaDiff(graphs: [original, update], budget: budget)
        var result: [JSONSchemaDifference] = []
        for _ in 0..<maximumPasses {
            diff.memo = [:]
            diff.usedOptimism = false
            result = diff.compare(Ref(side: 0, id: original.root), Ref(side: 1, id: update.root))
            if diff.stepsLeft <= 0 { return (result, false) }
            let incompatible = diff.memo.filter { !$0.value.allSatisfy(\.isCompatible) }
            if !diff.usedOptimism || Set(incompatible.keys) == Set(diff.seed.keys) { break }
            diff.seed = incompatible
        }
        return (result, true)
    }

    /// The breaking differences as the registry reports them.
    static func incompatibilities(
        original: JSONSchemaGraph, update: JSONSchemaGraph, budget: Int = maximumSteps
    ) -> [CompatibilityIssue] {
        let (found, complete) = differences(original: original, update: update, budget: budget)
        guard complete else {
            return [CompatibilityIssue(errorType: "COMPATIBILITY_CHECK_TOO_COMPLEX", path: "#/",
                                       detail: "Comparing these schemas needs more than \(budget) steps; the change is refused")]
        }
        return found.filter { !$0.isCompatible }.map {
            CompatibilityIssue(errorType: $0.kind.rawValue, path: $0.jsonPath, detail: $0.detail, confluentTemplate: $0.confluentTemplate)
        }
    }

    private init(graphs: [JSONSchemaGraph], budget: Int) {
        self.graphs = graphs
        self.stepsLeft = budget
    }

    func node(_ ref: Ref) -> JSONSchemaNode { graphs[ref.side][ref.id] }

    private func dereferenced(_ ref: Ref) -> Ref { Ref(side: ref.side, id: graphs[ref.side].dereferenced(ref.id)) }

    static func compatible(_ differences: [JSONSchemaDifference]) -> Bool { differences.allSatisfy(\.isCompatible) }

    private func difference(_ kind: JSONSchemaDifference.Kind, _ path: String...) -> JSONSchemaDifference {
        JSONSchemaDifference(kind: kind, path: path)
    }

    // MARK: - The hub every rule recurses through

    /// Differences with paths relative to this pair.
    mutating func compare(_ original: Ref?, _ update: Ref?) -> [JSONSchemaDifference] {
        guard let original, let update else {
            if original == nil && update == nil { return [] }
            return [difference(original == nil ? .SCHEMA_ADDED : .SCHEMA_REMOVED)]
        }
        let pair = Pair(original: dereferenced(original), update: dereferenced(update))
        if let known = memo[pair] { return known }
        stepsLeft -= 1
        guard stepsLeft > 0, depth < Self.maximumDepth else {
            stepsLeft = 0
            return []
        }
        guard inProgress.insert(pair).inserted else {
            if let known = seed[pair] { return known }
            usedOptimism = true
            return []
        }
        depth += 1
        let result = compareTypes(pair.original, pair.update)
        depth -= 1
        inProgress.remove(pair)
        memo[pair] = result
        return result
    }

    private mutating func compareTypes(_ original: Ref, _ update: Ref) -> [JSONSchemaDifference] {
        let o = node(original)
        let u = node(update)
        // A combination on one side only: a singleton stands for its member; a union in the reader
        // may take the writer's type as one branch; an intersection in the writer may give it up.
        if case let .combined(criterion, members, _) = u.kind, !o.kind.isCombined {
            if members.count == 1 {
                let sub = compare(original, Ref(side: update.side, id: members[0]))
                if Self.compatible(sub) { return sub }
            } else if criterion != .allOf {
                for member in members {
                    let sub = compare(original, Ref(side: update.side, id: member))
                    if Self.compatible(sub) { return sub + [difference(.SUM_TYPE_EXTENDED)] }
                }
            }
        } else if case let .combined(criterion, members, _) = o.kind, !u.kind.isCombined {
            if members.count == 1 {
                let sub = compare(Ref(side: original.side, id: members[0]), update)
                if Self.compatible(sub) { return sub }
            } else if criterion == .allOf {
                for member in members {
                    let sub = compare(Ref(side: original.side, id: member), update)
                    if Self.compatible(sub) { return sub + [difference(.PRODUCT_TYPE_NARROWED)] }
                }
            }
        }

        if o.kind.className != u.kind.className {
            if case .never = o.kind { return [] }
            if case .empty = u.kind { return [] }
            // Kafka Connect's JSON converter marks bytes; two such schemas are the same type.
            if o.source["connect.type"]?.stringValue == "bytes", u.source["connect.type"]?.stringValue == "bytes" { return [] }
            return [difference(.TYPE_CHANGED)]
        }

        var out: [JSONSchemaDifference] = []
        if o.id != u.id { out.append(difference(.ID_CHANGED)) }
        if o.title != u.title { out.append(difference(.TITLE_CHANGED)) }
        if o.description != u.description { out.append(difference(.DESCRIPTION_CHANGED)) }
        if o.defaultValue != u.defaultValue { out.append(difference(.DEFAULT_CHANGED)) }

        switch (o.kind, u.kind) {
        case let (.string(a), .string(b)): out += Self.compareStrings(a, b)
        case let (.number(a), .number(b)): out += Self.compareNumbers(a, b)
        case let (.constant(a), .constant(b)):
            if a != b { out.append(difference(.ENUM_ARRAY_CHANGED, "const")) }
        case let (.enumeration(a), .enumeration(b)):
            let before = Set(a), after = Set(b)
            if before != after {
                let kind: JSONSchemaDifference.Kind = after.isSuperset(of: before) ? .ENUM_ARRAY_EXTENDED
                    : before.isSuperset(of: after) ? .ENUM_ARRAY_NARROWED : .ENUM_ARRAY_CHANGED
                out.append(difference(kind, "enum"))
            }
        case let (.combined(a, aMembers, _), .combined(b, bMembers, _)):
            out += compareCombinations(original, a, aMembers, update, b, bMembers)
        case let (.not(a), .not(b)):
            // The negated schemas swap roles: `not X` reads `not Y` when Y reads X.
            let sub = compare(Ref(side: update.side, id: b), Ref(side: original.side, id: a))
            out.append(difference(Self.compatible(sub) ? .NOT_TYPE_NARROWED : .NOT_TYPE_EXTENDED, "not"))
        case let (.object(a), .object(b)): out += compareObjects(original, a, update, b)
        case let (.array(a), .array(b)): out += compareArrays(original, a, update, b)
        default: break
        }
        return out
    }

    // MARK: - Combinations

    private mutating func compareCombinations(
        _ original: Ref, _ a: JSONSchemaNode.Combination, _ aMembers: [Int],
        _ update: Ref, _ b: JSONSchemaNode.Combination, _ bMembers: [Int]
    ) -> [JSONSchemaDifference] {
        var out: [JSONSchemaDifference] = []
        if a != b {
            let extended = b == .anyOf
                || (aMembers.count == 1 && bMembers.count == 1)
                || (aMembers.count == 1 && b == .oneOf)
                || (bMembers.count == 1 && a == .allOf)
            guard extended else { return [difference(.COMBINED_TYPE_CHANGED)] }
            out.append(difference(.COMBINED_TYPE_EXTENDED))
        }
        let before = distinct(aMembers, side: original.side)
        let after = distinct(bMembers, side: update.side)
        if before.count < after.count {
            out.append(difference(b == .allOf ? .PRODUCT_TYPE_EXTENDED : .SUM_TYPE_EXTENDED))
        } else if before.count > after.count {
            out.append(difference(a == .allOf ? .PRODUCT_TYPE_NARROWED : .SUM_TYPE_NARROWED))
        }
        // Which writer branch can each reader branch stand in for? Pair as many as possible.
        var edges: [[(Int, [JSONSchemaDifference])]] = Array(repeating: [], count: before.count)
        for (i, member) in before.enumerated() {
            for (j, candidate) in after.enumerated() {
                guard stepsLeft > 0 else { return out }
                let sub = compare(Ref(side: original.side, id: member), Ref(side: update.side, id: candidate))
                if Self.compatible(sub) { edges[i].append((j, sub.map { $0.prefixed([a.rawValue, String(i)]) })) }
            }
        }
        let matching = Self.maximumMatching(edges, rightCount: after.count)
        for (i, j) in matching.enumerated() {
            guard let j, let edge = edges[i].first(where: { $0.0 == j }) else { continue }
            out += edge.1
        }
        if matching.compactMap({ $0 }).count < min(before.count, after.count) {
            out.append(difference(.COMBINED_TYPE_SUBSCHEMAS_CHANGED))
        }
        return out
    }

    /// Members with duplicates (the same JSON) removed, first occurrence kept.
    private func distinct(_ members: [Int], side: Int) -> [Int] {
        var seen = Set<String>()
        return members.filter { seen.insert(node(Ref(side: side, id: $0)).source.sortedText).inserted }
    }

    /// A maximum bipartite matching (augmenting paths): for each left vertex, its right partner.
    static func maximumMatching(_ edges: [[(Int, [JSONSchemaDifference])]], rightCount: Int) -> [Int?] {
        var leftOf = [Int?](repeating: nil, count: rightCount)
        func augment(_ left: Int, _ visited: inout [Bool]) -> Bool {
            for (right, _) in edges[left] where !visited[right] {
                visited[right] = true
                if leftOf[right] == nil || augment(leftOf[right]!, &visited) {
                    leftOf[right] = left
                    return true
                }
            }
            return false
        }
        for left in edges.indices {
            var visited = [Bool](repeating: false, count: rightCount)
            _ = augment(left, &visited)
        }
        var rightOf = [Int?](repeating: nil, count: edges.count)
        for (right, left) in leftOf.enumerated() where left != nil { rightOf[left!] = right }
        return rightOf
    }

    // MARK: - Strings and numbers

    /// The added/removed/increased/decreased family for one optional limit.
    static func limit<T: Comparable>(
        _ keyword: String, _ before: T?, _ after: T?,
        added: JSONSchemaDifference.Kind, removed: JSONSchemaDifference.Kind,
        increased: JSONSchemaDifference.Kind, decreased: JSONSchemaDifference.Kind
    ) -> [JSONSchemaDifference] {
        switch (before, after) {
        case (nil, nil): return []
        case (nil, .some): return [JSONSchemaDifference(kind: added, path: [keyword])]
        case (.some, nil): return [JSONSchemaDifference(kind: removed, path: [keyword])]
        case let (b?, a?):
            if b < a { return [JSONSchemaDifference(kind: increased, path: [keyword])] }
            if b > a { return [JSONSchemaDifference(kind: decreased, path: [keyword])] }
            return []
        }
    }

    static func compareStrings(_ o: JSONSchemaNode.StringRules, _ u: JSONSchemaNode.StringRules) -> [JSONSchemaDifference] {
        var out = limit("maxLength", o.maxLength, u.maxLength,
                        added: .MAX_LENGTH_ADDED, removed: .MAX_LENGTH_REMOVED, increased: .MAX_LENGTH_INCREASED, decreased: .MAX_LENGTH_DECREASED)
        out += limit("minLength", o.minLength, u.minLength,
                     added: .MIN_LENGTH_ADDED, removed: .MIN_LENGTH_REMOVED, increased: .MIN_LENGTH_INCREASED, decreased: .MIN_LENGTH_DECREASED)
        switch (o.pattern, u.pattern) {
        case (nil, .some): out.append(JSONSchemaDifference(kind: .PATTERN_ADDED, path: ["pattern"]))
        case (.some, nil): out.append(JSONSchemaDifference(kind: .PATTERN_REMOVED, path: ["pattern"]))
        case let (a?, b?) where a != b: out.append(JSONSchemaDifference(kind: .PATTERN_CHANGED, path: ["pattern"]))
        default: break
        }
        return out
    }

    static func compareNumbers(_ o: JSONSchemaNode.NumberRules, _ u: JSONSchemaNode.NumberRules) -> [JSONSchemaDifference] {
        var out = limit("maximum", o.maximum, u.maximum,
                        added: .MAXIMUM_ADDED, removed: .MAXIMUM_REMOVED, increased: .MAXIMUM_INCREASED, decreased: .MAXIMUM_DECREASED)
        out += limit("minimum", o.minimum, u.minimum,
                     added: .MINIMUM_ADDED, removed: .MINIMUM_REMOVED, increased: .MINIMUM_INCREASED, decreased: .MINIMUM_DECREASED)
        out += limit("exclusiveMaximum", o.exclusiveMaximum, u.exclusiveMaximum,
                     added: .EXCLUSIVE_MAXIMUM_ADDED, removed: .EXCLUSIVE_MAXIMUM_REMOVED,
                     increased: .EXCLUSIVE_MAXIMUM_INCREASED, decreased: .EXCLUSIVE_MAXIMUM_DECREASED)
        out += limit("exclusiveMinimum", o.exclusiveMinimum, u.exclusiveMinimum,
                     added: .EXCLUSIVE_MINIMUM_ADDED, removed: .EXCLUSIVE_MINIMUM_REMOVED,
                     increased: .EXCLUSIVE_MINIMUM_INCREASED, decreased: .EXCLUSIVE_MINIMUM_DECREASED)
        if let kind = multipleOfChange(o.multipleOf, u.multipleOf) {
            out.append(JSONSchemaDifference(kind: kind, path: ["multipleOf"]))
        }
        if o.requiresInteger != u.requiresInteger {
            out.append(JSONSchemaDifference(kind: o.requiresInteger ? .TYPE_EXTENDED : .TYPE_NARROWED, path: []))
        }
        return out
    }

    /// EXPANDED when the new divisor is a multiple of the old one (fewer values), REDUCED when the
    /// old is a multiple of the new (more values), else CHANGED; equal values (`0.5`, `0.50`) are no change.
    static func multipleOfChange(_ before: String?, _ after: String?) -> JSONSchemaDifference.Kind? {
        switch (before.flatMap(Double.init), after.flatMap(Double.init)) {
        case (nil, nil): return nil
        case (nil, .some): return .MULTIPLE_OF_ADDED
        case (.some, nil): return .MULTIPLE_OF_REMOVED
        case let (b?, a?):
            if a == b { return nil }
            if b != 0, isWhole(a / b) { return .MULTIPLE_OF_EXPANDED }
            if a != 0, isWhole(b / a) { return .MULTIPLE_OF_REDUCED }
            return .MULTIPLE_OF_CHANGED
        }
    }

    private static func isWhole(_ ratio: Double) -> Bool {
        ratio.isFinite && abs(ratio - ratio.rounded()) <= 1e-9 * max(1, abs(ratio))
    }
}

extension JSONSchemaNode.Kind {
    var isCombined: Bool {
        if case .combined = self { return true }
        return false
    }
}
