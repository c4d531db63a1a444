/// Entry point for Avro schemas (placeholder until the parser lands).
public enum AvroFormat {
    public static func parse(_ text: String, references: [ResolvedReference]) throws(InvalidSchemaError) -> any ParsedSchema {
        throw InvalidSchemaError("Avro schemas are not supported yet")
    }
}
