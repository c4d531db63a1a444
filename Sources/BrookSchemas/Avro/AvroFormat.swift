/// Entry point for Avro schemas: parses and validates them into an `AvroSchema`.
public enum AvroFormat {
    public static func parse(_ text: String, references: [ResolvedReference]) throws(InvalidSchemaError) -> any ParsedSchema {
        try AvroSchema.parse(text, references: references)
    }
}
