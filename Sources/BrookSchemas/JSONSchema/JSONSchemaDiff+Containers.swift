/// Confluent's rules for objects (`ObjectSchemaDiff`) and arrays (`ArraySchemaDiff`): properties and
/// items added or removed are judged by the content model (open, closed, or partially open through
/// additional/pattern/unevaluated schemas) of the side that did not have them.
extension JSONSchemaDiff {
    typealias ObjectRules = JSONSchemaNode.ObjectRules
    typealias ArrayRules = JSONSchemaNode.ArrayRules

    // MARK: - Objects

    mutating func compareObjects(_ original: Ref, _ o: ObjectRules, _ update: Ref, _ u: ObjectRules) -> [JSONSchemaDifference] {
        var out: [JSONSchemaDifference] = []
        let oSide = original.side, uSide = update.side

        for (name, _) in o.properties {
            guard let updated = u.property(name) else { continue }
            let wasRequired = o.required.contains(name), isRequired = u.required.contains(name)
            if wasRequired && !isRequired {
                out.append(JSONSchemaDifference(kind: .REQUIRED_ATTRIBUTE_REMOVED, path: ["required", name]))
            } else if !wasRequired && isRequired {
                let hasDefault = node(Ref(side: uSide, id: updated)).defaultValue != nil
                out.append(JSONSchemaDifference(kind: hasDefault ? .REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED : .REQUIRED_ATTRIBUTE_ADDED, path: ["required", name]))
            }
        }

        var names = o.properties.map(\.0)
        names += u.properties.map(\.0).filter { o.property($0) == nil }
        for name in names {
            let path = ["properties", name]
            let before = o.property(name).map { Ref(side: oSide, id: $0) }
            let after = u.property(name).map { Ref(side: uSide, id: $0) }
            if let before, let after {
                out += compare(before, after).map { $0.prefixed(path) }
            } else if let before {
                // Removed: only the reader's content model decides whether writer data still passes.
                if isOpen(u, side: uSide) {
                    out.append(JSONSchemaDifference(kind: .PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL, path: path))
                } else if let covering = partialSchema(u, side: uSide, property: name) {
                    let sub = compare(before, covering)
                    out += sub.map { $0.prefixed(path) }
                    out.append(JSONSchemaDifference(kind: Self.compatible(sub)
                        ? .PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                        : .PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, path: path))
                } else if case .never = node(before).kind {
                    out.append(JSONSchemaDifference(kind: .PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, path: path))
                } else {
                    out.append(JSONSchemaDifference(kind: .PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, path: path))
                }
            } else if let after {
                // Added: only the writer's content model decides what data may already carry it.
                let required = u.required.contains(name)
                let hasDefault = node(after).defaultValue != nil
                if isOpen(o, side: oSide) {
                    let kind: JSONSchemaDifference.Kind
                    if case .empty = node(after).kind {
                        kind = .PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                    } else if required {
                        kind = hasDefault ? .REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL : .REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                    } else {
                        kind = .OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                    }
                    out.append(JSONSchemaDifference(kind: kind, path: path))
                } else {
                    if let covering = partialSchema(o, side: oSide, property: name) {
                        let sub = compare(covering, after)
                        out += sub.map { $0.prefixed(path) }
                        out.append(JSONSchemaDifference(kind: Self.compatible(sub)
                            ? .PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                            : .PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, path: path))
                    }
                    let kind: JSONSchemaDifference.Kind = !required ? .OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
                        : hasDefault ? .REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                        : .REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
                    out.append(JSONSchemaDifference(kind: kind, path: path))
                }
            }
        }

        out += compareDependencies(original, o, update, u)

        if o.additionalPropertiesAllowed != u.additionalPropertiesAllowed {
            out.append(JSONSchemaDifference(kind: u.additionalPropertiesAllowed ? .ADDITIONAL_PROPERTIES_ADDED : .ADDITIONAL_PROPERTIES_REMOVED,
                                            path: ["additionalProperties"]))
        } else if o.additionalPropertiesSchema == nil, u.additionalPropertiesSchema != nil {
            out.append(JSONSchemaDifference(kind: .ADDITIONAL_PROPERTIES_NARROWED, path: ["additionalProperties"]))
        } else if o.additionalPropertiesSchema != nil, u.additionalPropertiesSchema == nil {
            out.append(JSONSchemaDifference(kind: .ADDITIONAL_PROPERTIES_EXTENDED, path: ["additionalProperties"]))
        } else {
            out += compare(o.additionalPropertiesSchema.map { Ref(side: oSide, id: $0) },
                           u.additionalPropertiesSchema.map { Ref(side: uSide, id: $0) }).map { $0.prefixed(["additionalProperties"]) }
        }

        out += compareUnevaluated(o.unevaluatedProperties.map { Ref(side: oSide, id: $0) },
                                  u.unevaluatedProperties.map { Ref(side: uSide, id: $0) },
                                  keyword: "unevaluatedProperties",
                                  kinds: (.UNEVALUATED_PROPERTIES_ADDED, .UNEVALUATED_PROPERTIES_REMOVED,
                                          .UNEVALUATED_PROPERTIES_EXTENDED, .UNEVALUATED_PROPERTIES_NARROWED))

        out += Self.limit("maxProperties", o.maxProperties, u.maxProperties, added: .MAX_PROPERTIES_ADDED, removed: .MAX_PROPERTIES_REMOVED,
                          increased: .MAX_PROPERTIES_INCREASED, decreased: .MAX_PROPERTIES_DECREASED)
        out += Self.limit("minProperties", o.minProperties, u.minProperties, added: .MIN_PROPERTIES_ADDED, removed: .MIN_PROPERTIES_REMOVED,
                          increased: .MIN_PROPERTIES_INCREASED, decreased: .MIN_PROPERTIES_DECREASED)
        return out
    }

    private mutating func compareDependencies(_ original: Ref, _ o: ObjectRules, _ update: Ref, _ u: ObjectRules) -> [JSONSchemaDifference] {
        var out: [JSONSchemaDifference] = []
        func merged(_ rules: ObjectRules) -> [String: Set<String>] {
            rules.propertyDependencies.reduce(into: [:]) { $0[$1.0, default: []].formUnion($1.1) }
        }
        let before = merged(o), after = merged(u)
        var names = o.propertyDependencies.map(\.0)
        names += u.propertyDependencies.map(\.0).filter { before[$0] == nil }
        var seen = Set<String>()
        for name in names where seen.insert(name).inserted {
            let path = ["dependencies", name]
            guard let now = after[name] else {
                out.append(JSONSchemaDifference(kind: .DEPENDENCY_ARRAY_REMOVED, path: path))
                continue
            }
            guard let was = before[name] else {
                out.append(JSONSchemaDifference(kind: .DEPENDENCY_ARRAY_ADDED, path: path))
                continue
            }
            if was != now {
                let kind: JSONSchemaDifference.Kind = now.isSuperset(of: was) ? .DEPENDENCY_ARRAY_EXTENDED
                    : was.isSuperset(of: now) ? .DEPENDENCY_ARRAY_NARROWED : .DEPENDENCY_ARRAY_CHANGED
                out.append(JSONSchemaDifference(kind: kind, path: path))
            }
        }
        var schemaNames = o.schemaDependencies.map(\.0)
        schemaNames += u.schemaDependencies.map(\.0).filter { name in !o.schemaDependencies.contains { $0.0 == name } }
        for name in schemaNames {
            let path = ["dependencies", name]
            let was = o.schemaDependencies.first { $0.0 == name }?.1
            let now = u.schemaDependencies.first { $0.0 == name }?.1
            switch (was, now) {
            case (_, nil): out.append(JSONSchemaDifference(kind: .DEPENDENCY_SCHEMA_REMOVED, path: path))
            case (nil, _): out.append(JSONSchemaDifference(kind: .DEPENDENCY_SCHEMA_ADDED, path: path))
            case let (was?, now?):
                out += compare(Ref(side: original.side, id: was), Ref(side: update.side, id: now)).map { $0.prefixed(path) }
            }
        }
        return out
    }

    /// `unevaluatedProperties` / `unevaluatedItems`: absent and `true` admit anything, `false` nothing.
    private mutating func compareUnevaluated(
        _ before: Ref?, _ after: Ref?, keyword: String,
        kinds: (added: JSONSchemaDifference.Kind, removed: JSONSchemaDifference.Kind,
                extended: JSONSchemaDifference.Kind, narrowed: JSONSchemaDifference.Kind)
    ) -> [JSONSchemaDifference] {
        func isFalse(_ ref: Ref?) -> Bool { if let ref, case .never = node(ref).kind { return true }; return false }
        func isEmpty(_ ref: Ref?) -> Bool { if let ref, case .empty = node(ref).kind { return true }; return false }
        let path = [keyword]
        switch (before, after) {
        case (nil, nil): return []
        case (nil, _): return [JSONSchemaDifference(kind: isFalse(after) ? kinds.removed : kinds.narrowed, path: path)]
        case (_, nil): return [JSONSchemaDifference(kind: isFalse(before) ? kinds.added : kinds.extended, path: path)]
        default:
            if isFalse(before) && !isFalse(after) { return [JSONSchemaDifference(kind: kinds.added, path: path)] }
            if !isFalse(before) && isFalse(after) { return [JSONSchemaDifference(kind: kinds.removed, path: path)] }
            if isEmpty(before) && !isEmpty(after) { return [JSONSchemaDifference(kind: kinds.narrowed, path: path)] }
            if !isEmpty(before) && isEmpty(after) { return [JSONSchemaDifference(kind: kinds.extended, path: path)] }
            return compare(before, after).map { $0.prefixed(path) }
        }
    }

    /// Open: any extra property is accepted as is (no additional, pattern or unevaluated schema).
    private func isOpen(_ rules: ObjectRules, side: Int) -> Bool {
        guard rules.additionalPropertiesAllowed, rules.additionalPropertiesSchema == nil, rules.patternProperties.isEmpty else { return false }
        guard let unevaluated = rules.unevaluatedProperties else { return true }
        if case .empty = node(Ref(side: side, id: unevaluated)).kind { return true }
        return false
    }

    /// The schema a partially open object applies to an undeclared property `name`, if any.
    private func partialSchema(_ rules: ObjectRules, side: Int, property name: String) -> Ref? {
        for (pattern, schema) in rules.patternProperties where JSONSchemaPattern.matches(pattern, name) == true {
            return Ref(side: side, id: schema)
        }
        if let schema = rules.additionalPropertiesSchema { return Ref(side: side, id: schema) }
        if rules.additionalPropertiesAllowed, let unevaluated = rules.unevaluatedProperties {
            switch node(Ref(side: side, id: unevaluated)).kind {
            case .never, .empty: return nil
            default: return Ref(side: side, id: unevaluated)
            }
        }
        return nil
    }

    // MARK: - Arrays

    mutating func compareArrays(_ original: Ref, _ o: ArrayRules, _ update: Ref, _ u: ArrayRules) -> [JSONSchemaDifference] {
        let oSide = original.side, uSide = update.side
        var out = compare(o.allItems.map { Ref(side: oSide, id: $0) }, u.allItems.map { Ref(side: uSide, id: $0) }).map { $0.prefixed(["items"]) }

        let before = o.tupleItems ?? [], after = u.tupleItems ?? []
        for index in 0..<max(before.count, after.count) {
            let path = ["items", String(index)]
            if index < before.count, index < after.count {
                out += compare(Ref(side: oSide, id: before[index]), Ref(side: uSide, id: after[index])).map { $0.prefixed(path) }
            } else if index < before.count {
                let removed = Ref(side: oSide, id: before[index])
                if isOpen(u, side: uSide) {
                    out.append(JSONSchemaDifference(kind: .ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL, path: path))
                } else if let covering = partialSchema(u, side: uSide) {
                    let sub = compare(removed, covering)
                    out += sub.map { $0.prefixed(path) }
                    out.append(JSONSchemaDifference(kind: Self.compatible(sub)
                        ? .ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                        : .ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, path: path))
                } else if case .never = node(removed).kind {
                    out.append(JSONSchemaDifference(kind: .ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, path: path))
                } else {
                    out.append(JSONSchemaDifference(kind: .ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL, path: path))
                }
            } else {
                let added = Ref(side: uSide, id: after[index])
                if isOpen(o, side: oSide) {
                    if case .empty = node(added).kind {
                        out.append(JSONSchemaDifference(kind: .ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, path: path))
                    } else {
                        out.append(JSONSchemaDifference(kind: .ITEM_ADDED_TO_OPEN_CONTENT_MODEL, path: path))
                    }
                } else if let covering = partialSchema(o, side: oSide) {
                    let sub = compare(covering, added)
                    out += sub.map { $0.prefixed(path) }
                    out.append(JSONSchemaDifference(kind: Self.compatible(sub)
                        ? .ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                        : .ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, path: path))
                } else {
                    out.append(JSONSchemaDifference(kind: .ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, path: path))
                }
            }
        }

        if o.additionalItemsAllowed != u.additionalItemsAllowed {
            out.append(JSONSchemaDifference(kind: o.additionalItemsAllowed ? .ADDITIONAL_ITEMS_REMOVED : .ADDITIONAL_ITEMS_ADDED,
                                            path: ["additionalItems"]))
        } else if o.additionalItemsSchema == nil, u.additionalItemsSchema != nil {
            out.append(JSONSchemaDifference(kind: .ADDITIONAL_ITEMS_NARROWED, path: ["additionalItems"]))
        } else if o.additionalItemsSchema != nil, u.additionalItemsSchema == nil {
            out.append(JSONSchemaDifference(kind: .ADDITIONAL_ITEMS_EXTENDED, path: ["additionalItems"]))
        } else {
            out += compare(o.additionalItemsSchema.map { Ref(side: oSide, id: $0) },
                           u.additionalItemsSchema.map { Ref(side: uSide, id: $0) }).map { $0.prefixed(["additionalItems"]) }
        }

        out += compareUnevaluated(o.unevaluatedItems.map { Ref(side: oSide, id: $0) },
                                  u.unevaluatedItems.map { Ref(side: uSide, id: $0) },
                                  keyword: "unevaluatedItems",
                                  kinds: (.UNEVALUATED_ITEMS_ADDED, .UNEVALUATED_ITEMS_REMOVED,
                                          .UNEVALUATED_ITEMS_EXTENDED, .UNEVALUATED_ITEMS_NARROWED))

        out += Self.limit("maxItems", o.maxItems, u.maxItems, added: .MAX_ITEMS_ADDED, removed: .MAX_ITEMS_REMOVED,
                          increased: .MAX_ITEMS_INCREASED, decreased: .MAX_ITEMS_DECREASED)
        out += Self.limit("minItems", o.minItems, u.minItems, added: .MIN_ITEMS_ADDED, removed: .MIN_ITEMS_REMOVED,
                          increased: .MIN_ITEMS_INCREASED, decreased: .MIN_ITEMS_DECREASED)
        if o.uniqueItems != u.uniqueItems {
            out.append(JSONSchemaDifference(kind: o.uniqueItems ? .UNIQUE_ITEMS_REMOVED : .UNIQUE_ITEMS_ADDED, path: ["uniqueItems"]))
        }
        out += Self.limit("maxContains", o.maxContains, u.maxContains, added: .MAX_CONTAINS_ADDED, removed: .MAX_CONTAINS_REMOVED,
                          increased: .MAX_CONTAINS_INCREASED, decreased: .MAX_CONTAINS_DECREASED)
        out += Self.limit("minContains", o.minContains, u.minContains, added: .MIN_CONTAINS_ADDED, removed: .MIN_CONTAINS_REMOVED,
                          increased: .MIN_CONTAINS_INCREASED, decreased: .MIN_CONTAINS_DECREASED)
        return out
    }

    private func isOpen(_ rules: ArrayRules, side: Int) -> Bool {
        guard rules.additionalItemsAllowed, rules.additionalItemsSchema == nil else { return false }
        guard let unevaluated = rules.unevaluatedItems else { return true }
        if case .empty = node(Ref(side: side, id: unevaluated)).kind { return true }
        return false
    }

    private func partialSchema(_ rules: ArrayRules, side: Int) -> Ref? {
        if let schema = rules.additionalItemsSchema { return Ref(side: side, id: schema) }
        if rules.additionalItemsAllowed, let unevaluated = rules.unevaluatedItems {
            switch node(Ref(side: side, id: unevaluated)).kind {
            case .never, .empty: return nil
            default: return Ref(side: side, id: unevaluated)
            }
        }
        return nil
    }
}
