/// Checks field defaults against their types, as Confluent does for new schemas (Java Avro's
/// `validateDefaults`): a union's default matches its first branch; bytes, fixed and enum defaults
/// are JSON strings; a record default gives each field a value or the field has its own default.
struct AvroDefaultValidator {
    let types: [AvroType]

    /// Record defaults can fall back on field defaults of the same record type; this bounds that.
    private static let maximumDepth = 512

    func validateAllDefaults() throws(InvalidSchemaError) {
        for type in types {
            guard case let .record(record) = type.kind else { continue }
            for field in record.fields {
                guard let value = field.defaultValue else { continue }
                guard isValid(value, for: field.type, depth: 0) else {
                    throw InvalidSchemaError("Invalid default for field \"\(field.name)\" in record \"\(record.name.fullName)\": "
                        + "\(value.compactText) is not a valid \(describe(field.type))")
                }
            }
        }
    }

    func isValid(_ value: JSONValue, for index: Int, depth: Int) -> Bool {
        guard depth < Self.maximumDepth else { return false }
        switch types[index].kind {
        case let .primitive(primitive):
            switch primitive {
            case .null: return value == .null
            case .boolean: return value.boolValue != nil
            case .int: return integer(value).map { $0 >= Int64(Int32.min) && $0 <= Int64(Int32.max) } ?? false
            case .long: return integer(value) != nil
            case .float, .double: return value.doubleValue != nil
            case .bytes, .string: return value.stringValue != nil
            }
        case .enumeration, .fixed:
            return value.stringValue != nil
        case let .array(items):
            guard let elements = value.arrayValue else { return false }
            return elements.allSatisfy { isValid($0, for: items, depth: depth + 1) }
        case let .map(values):
            guard let members = value.objectMembers else { return false }
            return members.allSatisfy { isValid($0.1, for: values, depth: depth + 1) }
        case let .union(branches):
            guard let first = branches.first else { return false }
            return isValid(value, for: first, depth: depth + 1)
        case let .record(record):
            guard value.objectMembers != nil else { return false }
            return record.fields.allSatisfy { field in
                guard let fieldValue = value[field.name] ?? field.defaultValue else { return false }
                return isValid(fieldValue, for: field.type, depth: depth + 1)
            }
        }
    }

    private func integer(_ value: JSONValue) -> Int64? {
        value.isIntegerLiteral ? value.int64Value : nil
    }

    private func describe(_ index: Int) -> String {
        let type = types[index]
        switch type.kind {
        case let .primitive(p): return "\"\(p.rawValue)\""
        case let .union(branches):
            return branches.first.map { "value of the union's first branch \(describe($0))" } ?? "value of an empty union"
        default: return type.name.map { "\"\($0.fullName)\"" } ?? "\"\(type.unionBranchKey)\""
        }
    }
}
