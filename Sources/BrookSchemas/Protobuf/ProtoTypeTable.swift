/// Every message and enum a schema can name (its own and those of the files it imports), by full
/// name without a leading dot, with protobuf's scoping rules for looking names up.
struct ProtoTypeTable: Sendable, Hashable {
    enum Kind: Sendable, Hashable { case message, enumeration }

    /// Where a type is declared.
    struct Entry: Sendable, Hashable {
        var kind: Kind
        var package: String
        /// The reference the declaring file came from; nil for the schema itself and built-in files.
        var reference: SchemaReference?
        /// The import path of the declaring file; nil for the schema itself.
        var importPath: String?
    }

    private(set) var entries: [String: Entry] = [:]
    /// Messages by full name, with resolved field types once resolution ran.
    var messages: [String: ProtoMessage] = [:]
    var enums: [String: ProtoEnum] = [:]
    /// Extension fields by full name (custom options are looked up here when normalizing).
    var extensionFields: [String: ProtoField] = [:]

    subscript(fullName: String) -> Entry? { entries[fullName] }

    /// Records every type of `file`; a name declared twice is an error.
    mutating func register(_ file: ProtoFile, reference: SchemaReference?, importPath: String?) throws(InvalidSchemaError) {
        let package = file.package ?? ""
        func add(_ name: String, _ kind: Kind) throws(InvalidSchemaError) {
            if let existing = entries[name] {
                let place = existing.importPath.map { " (already defined in \"\($0)\")" } ?? ""
                throw InvalidSchemaError("Invalid Protobuf schema: \"\(name)\" is already defined\(place)")
            }
            entries[name] = Entry(kind: kind, package: package, reference: reference, importPath: importPath)
        }
        func walk(_ messages: [ProtoMessage], _ enums: [ProtoEnum], prefix: String) throws(InvalidSchemaError) {
            for message in messages {
                let name = prefix + message.name
                try add(name, .message)
                self.messages[name] = message
                try walk(message.messages, message.enums, prefix: name + ".")
            }
            for declaration in enums {
                try add(prefix + declaration.name, .enumeration)
                self.enums[prefix + declaration.name] = declaration
            }
        }
        try walk(file.messages, file.enums, prefix: file.packagePrefix)
    }

    /// Replaces the stored messages of `file` with their resolved versions.
    mutating func storeResolved(_ file: ProtoFile) {
        func walk(_ messages: [ProtoMessage], prefix: String) {
            for message in messages {
                self.messages[prefix + message.name] = message
                for extend in message.extends { for field in extend.fields { extensionFields[prefix + message.name + "." + field.name] = field } }
                walk(message.messages, prefix: prefix + message.name + ".")
            }
        }
        walk(file.messages, prefix: file.packagePrefix)
        for extend in file.extends { for field in extend.fields { extensionFields[file.packagePrefix + field.name] = field } }
    }

    /// The key and value types of a map entry message (`option map_entry = true`, as descriptors
    /// spell map fields); nil for other messages.
    func mapEntry(_ fullName: String) -> (key: ProtoScalar, value: ProtoResolvedType)? {
        guard let message = messages[fullName],
              message.options.contains(where: { $0.name == "map_entry" && $0.value == .identifier("true") }),
              case let .scalar(key)? = message.fields.first(where: { $0.number == 1 })?.resolved,
              let value = message.fields.first(where: { $0.number == 2 })?.resolved
        else { return nil }
        return (key, value)
    }

    /// `type`, with a repeated field of a map entry message read as the map it stands for.
    func effectiveType(_ type: ProtoResolvedType, label: ProtoField.Label?) -> ProtoResolvedType {
        if label == .repeated, case let .message(name) = type, let entry = mapEntry(name) { return .map(key: entry.key, value: entry.value) }
        return type
    }

    /// The full name `name` refers to from inside `scope` (a package or message full name), per
    /// protobuf's rules: a leading dot is absolute; otherwise the innermost enclosing scope that
    /// declares the name wins.
    func resolve(_ name: String, scope: String) -> String? {
        resolve(name, scope: scope) { entries[$0] != nil }
    }

    /// The same lookup against any set of full names (used for extension fields too).
    func resolve(_ name: String, scope: String, exists: (String) -> Bool) -> String? {
        if name.hasPrefix(".") {
            let absolute = String(name.dropFirst())
            return exists(absolute) ? absolute : nil
        }
        var parts = scope.isEmpty ? [] : scope.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            let candidate = parts.joined(separator: ".") + "." + name
            if exists(candidate) { return candidate }
            parts.removeLast()
        }
        return exists(name) ? name : nil
    }
}
