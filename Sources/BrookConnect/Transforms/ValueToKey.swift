/// Replaces the key with fields taken from the value (Kafka's `ValueToKey`): `fields` (required),
/// `replace.null.with.default`.
public struct ValueToKey: ConnectTransformation {
    static let purpose = "copying fields from value to key"
    let fields: [String]
    let replaceNullWithDefault: Bool

    public init(config: ConnectConfigReader) throws(ConnectConfigError) {
        fields = try config.nonEmptyList("fields")
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        guard record.valueSchema != nil else {
            let value = try TransformSupport.requireMap(record.value, purpose: Self.purpose)
            var key: [ConnectMapEntry] = []
            for field in fields { key.put(field, value.value(forKey: field)) }
            return record.replacing(.key, schema: nil, value: .map(key))
        }
        let value = try TransformSupport.requireStruct(record.value, purpose: Self.purpose)
        var keySchema = ConnectSchema(type: .struct)
        for field in fields {
            guard let source = value.schema.field(named: field) else { throw ConnectDataError("Field does not exist: \(field)") }
            try keySchema.addField(field, source.schema)
        }
        var key = try ConnectStruct(schema: keySchema)
        for field in fields {
            try key.put(field, TransformSupport.fieldValue(value, field, replaceNullWithDefault: replaceNullWithDefault))
        }
        return record.replacing(.key, schema: keySchema, value: .struct(key))
    }
}
