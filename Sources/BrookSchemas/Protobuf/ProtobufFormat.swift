/// Entry point for Protobuf schemas (placeholder until the parser lands).
public enum ProtobufFormat {
    public static func parse(_ text: String, references: [ResolvedReference]) throws(InvalidSchemaError) -> any ParsedSchema {
        throw InvalidSchemaError("Protobuf schemas are not supported yet")
    }
}
