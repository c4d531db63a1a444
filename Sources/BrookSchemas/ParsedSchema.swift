/// A schema that parsed and passed its type's validation; what the registry stores and compares.
public protocol ParsedSchema: Sendable {
    var schemaType: SchemaType { get }

    /// The text the registry stores and returns: the schema as submitted, compacted where the type
    /// allows it without changing meaning. Two submissions with the same `canonicalString` (and the
    /// same references) are the same schema and get the same id.
    var canonicalString: String { get }

    /// The text stored when a client asks for `normalize=true`: a form in which schemas that differ
    /// only in ways that cannot matter to a reader (order of attributes, options, whitespace, full vs
    /// short names) become equal.
    func normalized() -> String

    /// Why data written with `writer` cannot be read with `self` as the reader schema; empty when it
    /// can. BACKWARD asks this of the new schema with an old one as the writer, FORWARD the reverse.
    func compatibilityIssues(readingDataWrittenWith writer: any ParsedSchema) -> [CompatibilityIssue]
}

/// A reason a schema change breaks readers, in the shape of Confluent's verbose compatibility
/// messages (`errorType`, `description`, and the path of what changed).
public struct CompatibilityIssue: Sendable, Hashable, CustomStringConvertible {
    /// Confluent's error type name, e.g. READER_FIELD_MISSING_DEFAULT_VALUE or FIELD_KIND_CHANGED.
    public var errorType: String
    /// Where in the schema, e.g. `/fields/1` (Avro) or `#/Order/amount` (Protobuf, JSON Schema).
    public var path: String
    /// A sentence naming the field, type or symbol that broke compatibility.
    public var detail: String

    public init(errorType: String, path: String, detail: String) {
        self.errorType = errorType
        self.path = path
        self.detail = detail
    }

    public var description: String {
        "{errorType:'\(errorType)', description:'\(detail)', path:'\(path)'}"
    }
}

/// A schema that failed to parse or validate; the registry answers 42201 with `message`.
public struct InvalidSchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
