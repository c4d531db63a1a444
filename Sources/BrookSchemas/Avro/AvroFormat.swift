/// Entry point for Avro schemas: parses and validates them into an `AvroSchema`.
public enum AvroFormat {
    /// `validateDefaults: false` for schemas already registered (see `SchemaFormats.parse`).
    public static func parse(
        _ text: String, references: [ResolvedReference], validateDefaults: Bool = true
    ) throws(InvalidSchemaError) -> any ParsedSchema {
        try AvroSchema.parse(text, references: references, validateDefaults: validateDefaults)
    }
}
