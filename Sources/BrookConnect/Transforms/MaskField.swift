/// Replaces fields with their type's empty value or a custom replacement (Kafka's `MaskField$Key` /
/// `$Value`): `fields` (required), `replacement` (numbers and strings only), `replace.null.with.default`.
public struct MaskField: ConnectTransformation {
    static let purpose = "mask fields"
    public let part: ConnectRecordPart
    let fields: [String]
    let replacement: String?
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        var seen = Set<String>()
        fields = try config.nonEmptyList("fields").filter { seen.insert($0).inserted }
        replacement = config.string("replacement")
        if replacement == "" { throw config.invalid("replacement", "", "String may not be empty") }
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        guard record.schema(of: part) != nil else {
            var map = try TransformSupport.requireMap(value, purpose: Self.purpose)
            let original = map
            for field in fields { map.put(field, try masked(original.value(forKey: field))) }
            return record.replacing(part, schema: nil, value: .map(map))
        }
        let original = try TransformSupport.requireStruct(value, purpose: Self.purpose)
        var updated = try ConnectStruct(schema: original.schema)
        for field in original.schema.fields {
            let fieldValue = try TransformSupport.fieldValue(original, field.name, replaceNullWithDefault: replaceNullWithDefault)
            try updated.put(field.name, fields.contains(field.name) ? masked(fieldValue) : fieldValue)
        }
        return record.replacing(part, schema: original.schema, value: .struct(updated))
    }

    private func masked(_ value: ConnectValue) throws(ConnectDataError) -> ConnectValue {
        if value == .null { return .null }
        guard let replacement else { return try Self.emptyValue(like: value) }
        let notANumber = ConnectDataError("Unable to convert \(replacement) (class java.lang.String) to number")
        let text = replacement.trimmingASCIISpaces
        switch value {
        case .int8: guard let v = Int8(text) else { throw notANumber }; return .int8(v)
        case .int16: guard let v = Int16(text) else { throw notANumber }; return .int16(v)
        case .int32: guard let v = Int32(text) else { throw notANumber }; return .int32(v)
        case .int64: guard let v = Int64(text) else { throw notANumber }; return .int64(v)
        case .float32: guard let v = Float(text) else { throw notANumber }; return .float32(v)
        case .float64: guard let v = Double(text) else { throw notANumber }; return .float64(v)
        case .string: return .string(replacement)
        case .decimal: guard let v = ConnectDecimal(literal: replacement) else { throw notANumber }; return .decimal(v)
        default: throw ConnectDataError("Cannot mask value of type \(value.javaClassDescription) with custom replacement.")
        }
    }

    private static func emptyValue(like value: ConnectValue) throws(ConnectDataError) -> ConnectValue {
        switch value {
        case .boolean: .boolean(false)
        case .int8: .int8(0)
        case .int16: .int16(0)
        case .int32: .int32(0)
        case .int64: .int64(0)
        case .float32: .float32(0)
        case .float64: .float64(0)
        case .decimal: .decimal(ConnectDecimal(0))
        case .timestamp: .timestamp(0)
        case .string: .string("")
        case .array: .array([])
        case .map: .map([])
        default: throw ConnectDataError("Cannot mask value of type: \(value.javaClassDescription)")
        }
    }
}
