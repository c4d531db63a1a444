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

    /// Confluent's verbose message for this issue with the schemas' roles left open; nil for
    /// issues Confluent has no message for (then `description` stands in).
    public var confluentTemplate: ConfluentMessageTemplate?

    public init(errorType: String, path: String, detail: String, confluentTemplate: ConfluentMessageTemplate? = nil) {
        self.errorType = errorType
        self.path = path
        self.detail = detail
        self.confluentTemplate = confluentTemplate
    }

    public var description: String {
        "{errorType:'\(errorType)', description:'\(detail)', path:'\(path)'}"
    }

    /// The message as Confluent's verbose compatibility answer words it, the reader and writer
    /// schemas called `reader` and `writer` ("new"/"old" for BACKWARD, "old"/"new" for FORWARD).
    public func confluentMessage(reader: String, writer: String) -> String {
        confluentTemplate?.filled(reader, writer) ?? description
    }
}

/// One of Confluent's compatibility messages with its `%s` slots still open: Confluent words a
/// difference once and lets the check fill in which schema is the reader (first slot) and which
/// the writer (second slot), as "new" or "old".
public struct ConfluentMessageTemplate: Sendable, Hashable {
    /// The text before the first slot, between the slots, and after the last.
    public var pieces: [String]

    /// `pieces` joined by the slots, e.g. `["The ", " schema lacks what the ", " schema has"]`.
    public init(_ pieces: [String]) {
        self.pieces = pieces
    }

    /// The pieces with the slots filled in order; a slot beyond the values given stays empty, and
    /// values beyond the slots are ignored (as `String.format` does).
    public func filled(_ values: String...) -> String {
        var out = ""
        for (i, piece) in pieces.enumerated() {
            if i > 0 { out += i - 1 < values.count ? values[i - 1] : "" }
            out += piece
        }
        return out
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
