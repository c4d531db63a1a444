/// Keeps, drops and renames fields (Kafka's `ReplaceField$Key` / `$Value`): `exclude`, `include`
/// (the pre-3.0 names `blacklist` / `whitelist` are read when the new ones are absent), `renames`
/// as `old:new,…`, `replace.null.with.default`.
public struct ReplaceField: ConnectTransformation {
    static let purpose = "field replacement"
    public let part: ConnectRecordPart
    let exclude: Set<String>
    let include: Set<String>
    let renames: [String: String]
    let reverseRenames: [String: String]
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        exclude = Set(config.list("exclude", default: config.list("blacklist", default: [])))
        include = Set(config.list("include", default: config.list("whitelist", default: [])))
        var renames: [String: String] = [:]
        for mapping in config.list("renames", default: []) {
            let parts = mapping.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            // Java's split drops trailing empty strings, so "a:" has one part and fails like "a".
            let meaningful = parts.last == "" ? Array(parts.dropLast()) : parts
            guard meaningful.count == 2 else {
                throw config.invalid("renames", "[" + config.list("renames", default: []).joined(separator: ", ") + "]", "Invalid rename mapping: \(mapping)")
            }
            renames[meaningful[0]] = meaningful[1]
        }
        self.renames = renames
        reverseRenames = Dictionary(renames.map { ($0.value, $0.key) }, uniquingKeysWith: { _, last in last })
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
    }

    func keeps(_ name: String) -> Bool {
        !exclude.contains(name) && (include.isEmpty || include.contains(name))
    }

    func renamed(_ name: String) -> String { renames[name] ?? name }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        if value == .null { return record }
        guard record.schema(of: part) != nil else {
            var updated: [ConnectMapEntry] = []
            for entry in try TransformSupport.requireMap(value, purpose: Self.purpose) {
                guard case let .string(name) = entry.key, keeps(name) else { continue }
                updated.put(renamed(name), entry.value)
            }
            return record.replacing(part, schema: nil, value: .map(updated))
        }
        let original = try TransformSupport.requireStruct(value, purpose: Self.purpose)
        var schema = TransformSupport.copySchemaBasics(original.schema, as: .struct)
        for field in original.schema.fields where keeps(field.name) {
            try schema.addField(renamed(field.name), field.schema)
        }
        var updated = try ConnectStruct(schema: schema)
        for field in schema.fields {
            let source = reverseRenames[field.name] ?? field.name
            try updated.put(field.name, TransformSupport.fieldValue(original, source, replaceNullWithDefault: replaceNullWithDefault))
        }
        return record.replacing(part, schema: schema, value: .struct(updated))
    }
}
