import BrookSchemas

/// The value of a SCHEMA record: one version of a subject as every registry writes it.
public struct SchemaRecordValue: Sendable, Hashable {
    public var subject: String
    public var version: Int
    public var id: Int
    public var schemaType: SchemaType
    public var references: [SchemaReference]
    public var schema: String
    public var deleted: Bool
    /// Members this registry does not interpret (`metadata`, `ruleSet`, Confluent's newer fields), in
    /// the order they came, so re-emitting the record (soft delete) loses nothing.
    public var otherMembers: JSONValue

    public init(
        subject: String, version: Int, id: Int, schemaType: SchemaType, references: [SchemaReference],
        schema: String, deleted: Bool, otherMembers: JSONValue = .object([])
    ) {
        self.subject = subject
        self.version = version
        self.id = id
        self.schemaType = schemaType
        self.references = references
        self.schema = schema
        self.deleted = deleted
        self.otherMembers = otherMembers
    }
}

/// The value of a CONFIG record: `compatibilityLevel` plus any other settings Confluent stores
/// there (`normalize`, `alias`, default/override metadata and rule sets), kept as written.
public struct ConfigRecordValue: Sendable, Hashable {
    public var compatibilityLevel: CompatibilityLevel?
    public var otherMembers: JSONValue

    public init(compatibilityLevel: CompatibilityLevel?, otherMembers: JSONValue = .object([])) {
        self.compatibilityLevel = compatibilityLevel
        self.otherMembers = otherMembers
    }
}

/// A registry mode, as Confluent names them.
public enum RegistryMode: String, Sendable, Hashable, CaseIterable {
    case readWrite = "READWRITE"
    case readOnly = "READONLY"
    case readOnlyOverride = "READONLY_OVERRIDE"
    case `import` = "IMPORT"

    var refusesWrites: Bool { self == .readOnly || self == .readOnlyOverride }
}

/// One record of the `_schemas` topic, decoded.
public enum SchemaRegistryRecord: Sendable, Hashable {
    /// A version written or re-written (soft delete sets `deleted`); a nil value is the tombstone of
    /// a permanent delete.
    case schema(subject: String, version: Int, value: SchemaRecordValue?)
    case config(subject: String?, value: ConfigRecordValue?)
    case mode(subject: String?, value: RegistryMode?)
    /// Soft-deletes every version of `subject` up to `version`; nil is the tombstone written when the
    /// subject is permanently deleted.
    case deleteSubject(subject: String, version: Int?)
    case noop
    /// A record of a key type this registry does not know; skipped on replay.
    case other(keytype: String)

    public var key: SchemaRegistryKey {
        switch self {
        case let .schema(subject, version, _): .schema(subject: subject, version: version)
        case let .config(subject, _): .config(subject: subject)
        case let .mode(subject, _): .mode(subject: subject)
        case let .deleteSubject(subject, _): .deleteSubject(subject: subject)
        case .noop: .noop
        case let .other(keytype): .other(keytype: keytype)
        }
    }
}
