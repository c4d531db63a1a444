/// Entry point for Protobuf schemas: `.proto` text (proto2, proto3, editions) whose imports are
/// the registry's references or the built-in well-known files.
public enum ProtobufFormat {
    public static func parse(_ text: String, references: [ResolvedReference]) throws(InvalidSchemaError) -> any ParsedSchema {
        try ProtobufSchema(text: text, references: references)
    }

    /// Import paths every schema may use without a reference (google/protobuf/*, google/type/*,
    /// confluent/*), as Confluent's registry resolves them.
    public static var builtInImportPaths: [String] { WellKnownProtos.files.keys.sorted() }

    /// The text of a built-in import (`google/protobuf/wrappers.proto`, ...), nil for other paths.
    public static func builtInImport(_ path: String) -> String? { WellKnownProtos.files[path] }
}
