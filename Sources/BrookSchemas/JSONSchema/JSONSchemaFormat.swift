/// Entry point for JSONSchema schemas (placeholder until the parser lands).
public enum JSONSchemaFormat {
    public static func parse(_ text: String, references: [ResolvedReference]) throws(InvalidSchemaError) -> any ParsedSchema {
        throw InvalidSchemaError("JSONSchema schemas are not supported yet")
    }
}
