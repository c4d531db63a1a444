/// One entry of a registered schema's `references` (Confluent: name, subject, version).
///
/// `name` is how the referring schema names the other one: an Avro full name, a Protobuf import
/// path, or a JSON Schema `$ref` URL.
public struct SchemaReference: Sendable, Hashable {
    public var name: String
    public var subject: String
    public var version: Int

    public init(name: String, subject: String, version: Int) {
        self.name = name
        self.subject = subject
        self.version = version
    }
}

/// A reference with the text of the schema it points to, as the registry resolved it.
///
/// The registry resolves references transitively, so a parser receives every schema the one it parses
/// depends on, directly or not, each once, dependencies before the schemas that use them.
public struct ResolvedReference: Sendable, Hashable {
    public var reference: SchemaReference
    public var schema: String

    public init(reference: SchemaReference, schema: String) {
        self.reference = reference
        self.schema = schema
    }
}
