/// Wraps the key or value in a one-field struct or map (Kafka's `HoistField$Key` / `$Value`): `field`.
public struct HoistField: ConnectTransformation {
    public let part: ConnectRecordPart
    let fieldName: String

    public init(part: ConnectRecordPart, config: ConnectConfigReader) throws(ConnectConfigError) {
        self.part = part
        fieldName = try config.requiredString("field")
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        let value = record.value(of: part)
        guard let schema = record.schema(of: part) else {
            return record.replacing(part, schema: nil, value: .stringMap([(fieldName, value)]))
        }
        let updatedSchema = try ConnectSchema.struct([(fieldName, schema)])
        let updated = try ConnectStruct(schema: updatedSchema).putting(fieldName, value)
        return record.replacing(part, schema: updatedSchema, value: .struct(updated))
    }
}
