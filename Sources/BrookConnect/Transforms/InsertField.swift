/// Adds fields from record metadata or a static value (Kafka's `InsertField$Key` / `$Value`): keys
/// `topic.field`, `partition.field`, `offset.field`, `timestamp.field`, `static.field`, `static.value`,
/// `replace.null.with.default`; a name ending in `!` makes the field required, `?` (default) optional.
public struct InsertField: ConnectTransformation {
    struct Spec: Sendable, Hashable {
        var name: String
        var optional: Bool

        static func parse(_ text: String?) -> Spec? {
            guard let text else { return nil }
            if text.hasSuffix("?") { return Spec(name: String(text.dropLast()), optional: true) }
            if text.hasSuffix("!") { return Spec(name: String(text.dropLast()), optional: false) }
            return Spec(name: text, optional: true)
        }
    }

    static let purpose = "field insertion"
    public let part: ConnectRecordPart
    let topicField: Spec?, partitionField: Spec?, offsetField: Spec?, timestampField: Spec?, staticField: Spec?
    let staticValue: String?
    let replaceNullWithDefault: Bool

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        topicField = Spec.parse(config.string("topic.field"))
        partitionField = Spec.parse(config.string("partition.field"))
        offsetField = Spec.parse(config.string("offset.field"))
        timestampField = Spec.parse(config.string("timestamp.field"))
        staticField = Spec.parse(config.string("static.field"))
        staticValue = config.string("static.value")
        replaceNullWithDefault = try config.bool("replace.null.with.default", default: true)
        if topicField == nil && partitionField == nil && offsetField == nil && timestampField == nil && staticField == nil {
            throw config.general("No field insertion configured")
        }
        if let staticField, staticValue == nil {
            throw config.invalid("static.value", "null", "No value specified for static field: \(staticField)")
        }
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        if value == .null { return record }
        guard let schema = record.schema(of: part) else {
            var map = try TransformSupport.requireMap(value, purpose: Self.purpose)
            if let topicField { map.put(topicField.name, .string(record.topic)) }
            if let partitionField, let p = record.kafkaPartition { map.put(partitionField.name, .int32(p)) }
            if let offsetField { map.put(offsetField.name, .int64(try TransformSupport.requireSinkOffset(record, purpose: Self.purpose))) }
            if let timestampField, let t = record.timestamp { map.put(timestampField.name, .int64(t)) }
            if let staticField, let staticValue { map.put(staticField.name, .string(staticValue)) }
            return record.replacing(part, schema: nil, value: .map(map))
        }
        _ = schema
        let original = try TransformSupport.requireStruct(value, purpose: Self.purpose)
        let updatedSchema = try makeUpdatedSchema(original.schema)
        var updated = try ConnectStruct(schema: updatedSchema)
        for field in original.schema.fields {
            try updated.put(field.name, TransformSupport.fieldValue(original, field.name, replaceNullWithDefault: replaceNullWithDefault))
        }
        if let topicField { try updated.put(topicField.name, .string(record.topic)) }
        if let partitionField, let p = record.kafkaPartition { try updated.put(partitionField.name, .int32(p)) }
        if let offsetField { try updated.put(offsetField.name, .int64(TransformSupport.requireSinkOffset(record, purpose: Self.purpose))) }
        if let timestampField, let t = record.timestamp { try updated.put(timestampField.name, .timestamp(t)) }
        if let staticField, let staticValue { try updated.put(staticField.name, .string(staticValue)) }
        return record.replacing(part, schema: updatedSchema, value: .struct(updated))
    }

    private func makeUpdatedSchema(_ schema: ConnectSchema) throws(ConnectDataError) -> ConnectSchema {
        var builder = TransformSupport.copySchemaBasics(schema, as: .struct)
        for field in schema.fields { try builder.addField(field.name, field.schema) }
        if let topicField { try builder.addField(topicField.name, topicField.optional ? .optionalString : .string) }
        if let partitionField { try builder.addField(partitionField.name, partitionField.optional ? .optionalInt32 : .int32) }
        if let offsetField { try builder.addField(offsetField.name, offsetField.optional ? .optionalInt64 : .int64) }
        if let timestampField {
            try builder.addField(timestampField.name, timestampField.optional ? ConnectLogicalType.timestampSchema.optional() : ConnectLogicalType.timestampSchema)
        }
        if let staticField { try builder.addField(staticField.name, staticField.optional ? .optionalString : .string) }
        return builder
    }
}

extension InsertField.Spec: CustomStringConvertible {
    // Kafka prints the spec object in its message; Brook prints the field name.
    var description: String { name }
}
