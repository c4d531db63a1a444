/// Resolves the type names of a parsed file against a `ProtoTypeTable` and checks the rules protoc
/// enforces: field numbers, duplicate and reserved names and numbers, labels, maps, proto3 rules.
struct ProtoValidator {
    static let maximumFieldNumber: Int64 = 536_870_911
    /// Numbers protobuf keeps for its own implementation.
    static let implementationReserved: ClosedRange<Int64> = 19_000...19_999

    let table: ProtoTypeTable
    let syntax: ProtoFile.Syntax
    /// How errors name the file: empty for the schema itself, `in "x.proto": ` for an import.
    let place: String

    private var isProto3: Bool { syntax == .proto3 }
    private var isEditions: Bool { if case .edition = syntax { true } else { false } }

    static func resolveAndValidate(_ file: inout ProtoFile, table: ProtoTypeTable, importPath: String?) throws(InvalidSchemaError) {
        let validator = ProtoValidator(table: table, syntax: file.syntax, place: importPath.map { "in \"\($0)\": " } ?? "")
        try validator.check(&file)
    }

    private func fail(_ reason: String, line: Int? = nil, column: Int? = nil) -> InvalidSchemaError {
        let at = line.map { "\($0):\(column ?? 1): " } ?? ""
        return InvalidSchemaError("Invalid Protobuf schema: \(place)\(at)\(reason)")
    }

    private func check(_ file: inout ProtoFile) throws(InvalidSchemaError) {
        if case let .edition(edition) = file.syntax, !["2023", "2024"].contains(edition) {
            throw fail("unknown edition \"\(edition)\"")
        }
        let scope = file.package ?? ""
        try checkSiblingEnumValues(file.enums, scope: scope.isEmpty ? "the file" : "package \(scope)")
        for i in file.messages.indices {
            try check(&file.messages[i], fullName: file.packagePrefix + file.messages[i].name)
        }
        for i in file.enums.indices {
            try check(file.enums[i], fullName: file.packagePrefix + file.enums[i].name)
        }
        for i in file.extends.indices {
            try check(&file.extends[i], scope: scope)
        }
        for s in file.services.indices {
            for r in file.services[s].rpcs.indices {
                let rpc = file.services[s].rpcs[r]
                file.services[s].rpcs[r].resolvedRequest = try messageType(rpc.requestType, scope: scope, line: rpc.line, column: rpc.column, what: "request type of rpc \(rpc.name)")
                file.services[s].rpcs[r].resolvedResponse = try messageType(rpc.responseType, scope: scope, line: rpc.line, column: rpc.column, what: "response type of rpc \(rpc.name)")
            }
        }
    }

    private func messageType(_ name: String, scope: String, line: Int, column: Int, what: String) throws(InvalidSchemaError) -> String {
        guard let resolved = table.resolve(name, scope: scope), table[resolved]?.kind == .message else {
            throw fail("\(what): message type \"\(name)\" is not defined", line: line, column: column)
        }
        return resolved
    }

    // MARK: Messages

    private func check(_ message: inout ProtoMessage, fullName: String) throws(InvalidSchemaError) {
        var names: [String: String] = [:]
        func claim(_ name: String, _ what: String, line: Int, column: Int) throws(InvalidSchemaError) {
            if let other = names[name] {
                throw fail("\"\(name)\" is already used by \(other) in message \(fullName)", line: line, column: column)
            }
            names[name] = what
        }
        for nested in message.messages { try claim(nested.name, "a nested message", line: nested.line, column: nested.column) }
        for nested in message.enums { try claim(nested.name, "a nested enum", line: nested.line, column: nested.column) }
        for oneof in message.oneofs {
            try claim(oneof.name, "a oneof", line: message.line, column: message.column)
            if oneof.fields.isEmpty { throw fail("oneof \(oneof.name) in message \(fullName) has no fields", line: message.line, column: message.column) }
        }
        var numbers: [Int64: String] = [:]
        let reservedNumbers = message.reserved.flatMap { $0 }.compactMap { if case let .numbers(r) = $0 { r } else { nil } }
        let reservedNames = Set(message.reserved.flatMap { $0 }.compactMap { if case let .name(n) = $0 { n } else { nil } })
        let extensionNumbers = message.extensionRanges.flatMap(\.ranges)
        for range in reservedNumbers + extensionNumbers where range.lowerBound < 1 || range.upperBound > Self.maximumFieldNumber {
            throw fail("reserved or extension range \(range.lowerBound) to \(range.upperBound) in message \(fullName) is outside 1 to \(Self.maximumFieldNumber)", line: message.line, column: message.column)
        }
        if isProto3, !message.extensionRanges.isEmpty {
            throw fail("extension ranges are not allowed in proto3 (message \(fullName))", line: message.line, column: message.column)
        }
        for field in message.allFields {
            try claim(field.name, "field \(field.name)", line: field.line, column: field.column)
            try checkNumber(field, in: fullName)
            if let other = numbers[field.number] {
                throw fail("field number \(field.number) of \(field.name) is already used by \(other) in message \(fullName)", line: field.line, column: field.column)
            }
            numbers[field.number] = field.name
            if reservedNumbers.contains(where: { $0.contains(field.number) }) {
                throw fail("field \(field.name) uses reserved number \(field.number) in message \(fullName)", line: field.line, column: field.column)
            }
            if extensionNumbers.contains(where: { $0.contains(field.number) }) {
                throw fail("field \(field.name) uses number \(field.number), which is an extension range of message \(fullName)", line: field.line, column: field.column)
            }
            if reservedNames.contains(field.name) {
                throw fail("field name \(field.name) is reserved in message \(fullName)", line: field.line, column: field.column)
            }
        }
        for i in message.fields.indices {
            try checkLabel(message.fields[i], inOneof: false, in: fullName)
            message.fields[i].resolved = try resolve(message.fields[i], scope: fullName, in: fullName)
        }
        for o in message.oneofs.indices {
            for i in message.oneofs[o].fields.indices {
                let field = message.oneofs[o].fields[i]
                if field.isMap { throw fail("map field \(field.name) cannot be in a oneof", line: field.line, column: field.column) }
                message.oneofs[o].fields[i].resolved = try resolve(field, scope: fullName, in: fullName)
            }
        }
        try checkSiblingEnumValues(message.enums, scope: "message \(fullName)")
        for i in message.messages.indices {
            try check(&message.messages[i], fullName: fullName + "." + message.messages[i].name)
        }
        for declaration in message.enums {
            try check(declaration, fullName: fullName + "." + declaration.name)
        }
        for i in message.extends.indices {
            try check(&message.extends[i], scope: fullName)
        }
    }

    private func checkNumber(_ field: ProtoField, in owner: String) throws(InvalidSchemaError) {
        guard field.number >= 1, field.number <= Self.maximumFieldNumber else {
            throw fail("field number \(field.number) of \(field.name) in \(owner) is outside 1 to \(Self.maximumFieldNumber)", line: field.line, column: field.column)
        }
        if Self.implementationReserved.contains(field.number) {
            throw fail("field number \(field.number) of \(field.name) in \(owner) is in 19000 to 19999, which protobuf reserves", line: field.line, column: field.column)
        }
    }

    private func checkLabel(_ field: ProtoField, inOneof: Bool, in owner: String) throws(InvalidSchemaError) {
        if field.isMap {
            if field.label != nil { throw fail("map field \(field.name) in \(owner) cannot have a label", line: field.line, column: field.column) }
            return
        }
        if isProto3, field.label == .required {
            throw fail("required fields are not allowed in proto3 (field \(field.name) in \(owner))", line: field.line, column: field.column)
        }
        if isEditions, field.label == .required || field.label == .optional {
            throw fail("label '\(field.label?.rawValue ?? "")' is not allowed with editions (field \(field.name) in \(owner)); use features", line: field.line, column: field.column)
        }
        if !isProto3, !isEditions, !inOneof, field.label == nil {
            throw fail("field \(field.name) in \(owner) needs a label (optional, required or repeated) in proto2", line: field.line, column: field.column)
        }
    }

    /// The field's resolved type; checks map key/value types and default values.
    private func resolve(_ field: ProtoField, scope: String, in owner: String) throws(InvalidSchemaError) -> ProtoResolvedType {
        if let (key, value) = field.mapTypes {
            guard let keyScalar = ProtoScalar(rawValue: key), keyScalar.isValidMapKey else {
                throw fail("map key type \(key) of field \(field.name) in \(owner) must be an integral type, bool or string", line: field.line, column: field.column)
            }
            if field.defaultValue != nil { throw fail("map field \(field.name) in \(owner) cannot have a default value", line: field.line, column: field.column) }
            return .map(key: keyScalar, value: try resolveType(value, field: field, scope: scope, in: owner))
        }
        let type = try resolveType(field.typeName, field: field, scope: scope, in: owner)
        if let value = field.defaultValue {
            if isProto3 { throw fail("default values are not allowed in proto3 (field \(field.name) in \(owner))", line: field.line, column: field.column) }
            if field.label == .repeated { throw fail("repeated field \(field.name) in \(owner) cannot have a default value", line: field.line, column: field.column) }
            guard defaultFits(value, type) else {
                throw fail("default value of field \(field.name) in \(owner) does not match its type \(field.typeName)", line: field.line, column: field.column)
            }
        }
        return type
    }

    private func resolveType(_ name: String, field: ProtoField, scope: String, in owner: String) throws(InvalidSchemaError) -> ProtoResolvedType {
        if let scalar = ProtoScalar(rawValue: name) { return .scalar(scalar) }
        guard let fullName = table.resolve(name, scope: scope), let entry = table[fullName] else {
            throw fail("type \"\(name)\" of field \(field.name) in \(owner) is not defined", line: field.line, column: field.column)
        }
        return entry.kind == .message ? .message(fullName) : .enumeration(fullName)
    }

    private func defaultFits(_ value: ProtoOptionValue, _ type: ProtoResolvedType) -> Bool {
        switch (type, value) {
        case (.scalar(.string), .string), (.scalar(.bytes), .string): return true
        case let (.scalar(.bool), .identifier(word)): return word == "true" || word == "false"
        case let (.scalar(scalar), .number(text)):
            switch scalar {
            case .float, .double: return true
            case .string, .bytes, .bool: return false
            default: return !text.contains(".") && (!text.lowercased().contains("e") || text.lowercased().hasPrefix("0x") || text.hasPrefix("-0x"))
            }
        case let (.scalar(scalar), .identifier(word)):
            return (scalar == .float || scalar == .double) && ["inf", "-inf", "nan", "-nan"].contains(word.lowercased())
        case let (.enumeration(fullName), .identifier(word)):
            return table.enums[fullName]?.values.contains { $0.name == word } ?? false
        default:
            return false
        }
    }

    // MARK: Enums

    private func check(_ declaration: ProtoEnum, fullName: String) throws(InvalidSchemaError) {
        guard let first = declaration.values.first else {
            throw fail("enum \(fullName) must have at least one value", line: declaration.line, column: declaration.column)
        }
        if isProto3, first.number != 0 {
            throw fail("the first value of enum \(fullName) must be 0 in proto3", line: first.line, column: first.column)
        }
        let allowAlias = declaration.options.contains { $0.name == "allow_alias" && $0.value == .identifier("true") }
        let reservedNumbers = declaration.reserved.flatMap { $0 }.compactMap { if case let .numbers(r) = $0 { r } else { nil } }
        let reservedNames = Set(declaration.reserved.flatMap { $0 }.compactMap { if case let .name(n) = $0 { n } else { nil } })
        var names = Set<String>()
        var numbers: [Int64: String] = [:]
        for value in declaration.values {
            guard value.number >= Int64(Int32.min), value.number <= Int64(Int32.max) else {
                throw fail("value \(value.name) = \(value.number) of enum \(fullName) is outside the int32 range", line: value.line, column: value.column)
            }
            guard names.insert(value.name).inserted else {
                throw fail("value name \(value.name) is used twice in enum \(fullName)", line: value.line, column: value.column)
            }
            if let other = numbers[value.number], !allowAlias {
                throw fail("value \(value.name) = \(value.number) of enum \(fullName) reuses the number of \(other); set option allow_alias = true to allow aliases", line: value.line, column: value.column)
            }
            numbers[value.number] = numbers[value.number] ?? value.name
            if reservedNumbers.contains(where: { $0.contains(value.number) }) {
                throw fail("value \(value.name) of enum \(fullName) uses reserved number \(value.number)", line: value.line, column: value.column)
            }
            if reservedNames.contains(value.name) {
                throw fail("value name \(value.name) is reserved in enum \(fullName)", line: value.line, column: value.column)
            }
        }
    }

    /// Enum values are siblings of their enum type (C++ scoping), so two enums of one scope cannot
    /// share a value name.
    private func checkSiblingEnumValues(_ enums: [ProtoEnum], scope: String) throws(InvalidSchemaError) {
        var owner: [String: String] = [:]
        for declaration in enums {
            for value in declaration.values {
                if let other = owner[value.name], other != declaration.name {
                    throw fail("enum value \(value.name) of \(declaration.name) is already defined by enum \(other) in \(scope) (enum values share their enclosing scope)", line: value.line, column: value.column)
                }
                owner[value.name] = declaration.name
            }
        }
    }

    // MARK: Extensions

    private func check(_ extend: inout ProtoExtend, scope: String) throws(InvalidSchemaError) {
        extend.resolvedTarget = try messageType(extend.typeName, scope: scope, line: extend.line, column: extend.column, what: "extend")
        var numbers = Set<Int64>()
        for i in extend.fields.indices {
            let field = extend.fields[i]
            if field.isMap { throw fail("extension \(field.name) cannot be a map", line: field.line, column: field.column) }
            if field.label == .required { throw fail("extension \(field.name) cannot be required", line: field.line, column: field.column) }
            try checkNumber(field, in: "extend \(extend.typeName)")
            guard numbers.insert(field.number).inserted else {
                throw fail("extension number \(field.number) is used twice in extend \(extend.typeName)", line: field.line, column: field.column)
            }
            extend.fields[i].resolved = try resolve(field, scope: scope, in: "extend \(extend.typeName)")
        }
    }
}
