/// Parses a schema of any registered type: the one place that maps `schemaType` to its parser.
public enum SchemaFormats {
    /// - Parameter validatingNewSchema: true for a schema being registered or checked; false for
    ///   one already registered (read back from `_schemas`, or an old version a new one is compared
    ///   with). Confluent parses stored schemas with `validateAsNew` off, which for Avro turns off
    ///   the check of field defaults against their types, so a schema an older registry accepted
    ///   with a bad default still loads. Names are checked either way (Confluent 7.x/8.x validate
    ///   them with Avro's parser in both cases). Protobuf and JSON Schema parse the same either way.
    public static func parse(
        _ text: String, type: SchemaType, references: [ResolvedReference] = [], validatingNewSchema: Bool = true
    ) throws(InvalidSchemaError) -> any ParsedSchema {
        switch type {
        case .avro: try AvroFormat.parse(text, references: references, validateDefaults: validatingNewSchema)
        case .protobuf: try ProtobufFormat.parse(text, references: references)
        case .json: try JSONSchemaFormat.parse(text, references: references)
        }
    }
}
