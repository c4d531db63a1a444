import BrookSchemas

/// A schema as an id names it: what `GET /schemas/ids/{id}` returns. Two registrations with equal
/// `identity` share one id, across subjects, as in Confluent.
public struct RegisteredSchema: Sendable, Hashable {
    public var schemaType: SchemaType
    public var schema: String
    public var references: [SchemaReference]
    /// Confluent's data-contract members, stored and returned as given (never interpreted).
    public var metadata: JSONValue?
    public var ruleSet: JSONValue?

    public init(schemaType: SchemaType, schema: String, references: [SchemaReference], metadata: JSONValue? = nil, ruleSet: JSONValue? = nil) {
        self.schemaType = schemaType
        self.schema = schema
        self.references = references
        self.metadata = metadata
        self.ruleSet = ruleSet
    }

    init(_ value: SchemaRecordValue) {
        self.init(schemaType: value.schemaType, schema: value.schema, references: value.references,
                  metadata: value.otherMembers["metadata"].flatMap { $0.isNull ? nil : $0 },
                  ruleSet: value.otherMembers["ruleSet"].flatMap { $0.isNull ? nil : $0 })
    }

    /// What decides "the same schema": the schema's canonical text (so text formatted differently
    /// by another registry still matches), references, and metadata compared without regard to
    /// member order.
    struct Identity: Hashable {
        var schemaType: SchemaType
        var canonicalText: String
        var references: [SchemaReference]
        var metadata: String?
        var ruleSet: String?
    }

    /// The identity, given the canonical form of `schema` (the text itself when it does not parse).
    func identity(canonicalText: String) -> Identity {
        Identity(schemaType: schemaType, canonicalText: canonicalText, references: references,
                 metadata: metadata?.sortedText, ruleSet: ruleSet?.sortedText)
    }

    /// `metadata` and `ruleSet` as the members a SCHEMA record carries besides the ones it defines.
    var dataContractMembers: JSONValue {
        .members([("metadata", metadata), ("ruleSet", ruleSet)])
    }
}

/// A subject and one of its versions, as `GET /schemas/ids/{id}/versions` lists them.
public struct SubjectVersionReference: Sendable, Hashable, Comparable {
    public var subject: String
    public var version: Int

    public static func < (a: Self, b: Self) -> Bool { (a.subject, a.version) < (b.subject, b.version) }
}

/// Which version a request names: a number, or `latest` (also spelled -1).
public enum VersionSelector: Sendable, Hashable {
    case latest
    case number(Int)

    /// Parses a path segment; 42202 for anything but `latest`, -1 or 1...2^31-1.
    public init(parsing text: String) throws(RegistryError) {
        if text == "latest" || text == "-1" {
            self = .latest
        } else if let n = Int(text), n >= 1, n <= Int(Int32.max) {
            self = .number(n)
        } else {
            throw .invalidVersion(text)
        }
    }
}

/// The records a command appends to the log, and the answer to give once they are applied.
public struct RegistryWrite<Response: Sendable>: Sendable {
    public var records: [SchemaRegistryRecord]
    public var response: Response
}
