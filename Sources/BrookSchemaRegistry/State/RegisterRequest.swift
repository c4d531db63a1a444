import BrookSchemas

/// The body of register, lookup and compatibility requests (`{"schema","schemaType","references",
/// "metadata","ruleSet","id","version"}`), already read from JSON.
public struct RegisterRequest: Sendable, Hashable {
    public var schema: String
    public var schemaType: SchemaType
    public var references: [SchemaReference]
    public var metadata: JSONValue?
    public var ruleSet: JSONValue?
    /// Client-chosen id and version: only in IMPORT mode.
    public var id: Int?
    public var version: Int?

    public init(
        schema: String, schemaType: SchemaType = .avro, references: [SchemaReference] = [],
        metadata: JSONValue? = nil, ruleSet: JSONValue? = nil, id: Int? = nil, version: Int? = nil
    ) {
        self.schema = schema
        self.schemaType = schemaType
        self.references = references
        self.metadata = metadata
        self.ruleSet = ruleSet
        self.id = id
        self.version = version
    }
}

/// What a successful registration returns.
public struct RegisterResult: Sendable, Hashable {
    public var id: Int
    public var version: Int
}

/// The answer to a compatibility check.
public struct CompatibilityResult: Sendable, Hashable {
    public var isCompatible: Bool
    /// Confluent's verbose messages: one per issue, then the level that was applied.
    public var messages: [String]
}
