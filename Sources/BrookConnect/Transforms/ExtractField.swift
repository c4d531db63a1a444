/// Replaces the key or value with one of its fields (Kafka's `ExtractField$Key` / `$Value`): `field`
/// (required; nested with `field.syntax.version=V2`), `replace.null.with.default`.
public struct ExtractField: ConnectTransformation {
    static let purpose = "field extraction"
    public let part: ConnectRecordPart
    let originalPath: String
    let path: FieldPath
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        originalPath = try config.requiredString("field")
        path = try FieldPath(originalPath, config: config)
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        guard let schema = record.schema(of: part) else {
            if value == .null { return record.replacing(part, schema: nil, value: .null) }
            return record.replacing(part, schema: nil, value: path.value(in: try TransformSupport.requireMap(value, purpose: Self.purpose)))
        }
        let original: ConnectStruct? = value == .null ? nil : try TransformSupport.requireStruct(value, purpose: Self.purpose)
        guard let field = path.field(in: schema) else { throw ConnectDataError("Unknown field: \(originalPath)") }
        let extracted = try original.map { (s) throws(ConnectDataError) in try path.value(in: s, replaceNullWithDefault: replaceNullWithDefault) } ?? .null
        return record.replacing(part, schema: field.schema, value: extracted)
    }
}
