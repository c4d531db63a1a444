/// Entry point for JSON Schema schemas: parses the text, checks it against its draft's rules,
/// resolves its `$ref`s (with the referenced schemas) and returns a `JSONSchemaDocument`.
public enum JSONSchemaFormat {
    public static func parse(_ text: String, references: [ResolvedReference]) throws(InvalidSchemaError) -> any ParsedSchema {
        try JSONSchemaDocument(text, references: references)
    }
}
