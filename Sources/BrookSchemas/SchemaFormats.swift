/// Parses a schema of any registered type: the one place that maps `schemaType` to its parser.
public enum SchemaFormats {
    public static func parse(
        _ text: String, type: SchemaType, references: [ResolvedReference] = []
    ) throws(InvalidSchemaError) -> any ParsedSchema {
        switch type {
        case .avro: try AvroFormat.parse(text, references: references)
        case .protobuf: try ProtobufFormat.parse(text, references: references)
        case .json: try JSONSchemaFormat.parse(text, references: references)
        }
    }
}
