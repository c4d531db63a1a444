import BrookSchemas

/// How the registry turns schema text into a `ParsedSchema`; injectable so tests and the lead can
/// run the registry before (or without) a real parser for a type.
public typealias SchemaParser = @Sendable (String, SchemaType, [ResolvedReference]) throws(InvalidSchemaError) -> any ParsedSchema

/// The whole registry in memory, built by applying `_schemas` records in log order (sans-IO).
///
/// Commands (`RegistryState+Commands.swift`) validate a request against this state and return the
/// records to append; the state changes only when those records come back through `apply`, so a
/// replay and a live registry reach the same state by the same path.
public struct RegistryState: Sendable {
    /// subject → its versions as their records hold them (soft-deleted ones included).
    private(set) var subjects: [String: SubjectVersions] = [:]
    /// id → schema, for ids some version still uses.
    private(set) var schemasByID: [Int: RegisteredSchema] = [:]
    private var usersOfID: [Int: Set<SubjectVersionReference>] = [:]
    private var idsByIdentity: [RegisteredSchema.Identity: Int] = [:]
    private var identityByID: [Int: RegisteredSchema.Identity] = [:]
    /// Each id's GUID (Confluent's digest of the schema), and the id a GUID names (the last applied,
    /// as Confluent's lookup cache keeps it).
    private(set) var guidByID: [Int: SchemaGUID] = [:]
    private(set) var idByGUID: [SchemaGUID: Int] = [:]
    /// Each id's schema, parsed once when its first record is applied, for compatibility checks and
    /// for matching a submitted schema by canonical form; absent when the text does not parse
    /// (e.g. a type whose parser is missing), then parsed on demand.
    private(set) var parsedByID: [Int: any ParsedSchema] = [:]
    /// The id the next new schema gets: one more than any id ever seen, so ids are never reused
    /// (a hard delete does not lower it).
    public private(set) var nextID = 1
    private(set) var globalConfig: ConfigRecordValue?
    private(set) var subjectConfigs: [String: ConfigRecordValue] = [:]
    private(set) var globalMode: RegistryMode?
    private(set) var subjectModes: [String: RegistryMode] = [:]
    /// Records that could not be read and were skipped (malformed, or inconsistent with the state).
    public private(set) var skippedRecords = 0

    let parse: SchemaParser
    /// Parses schemas already registered (records applied, old versions compared with): Confluent
    /// skips new-schema validation (Avro defaults) for them.
    let parseStored: SchemaParser

    public init() {
        self.init(parse: { text, type, references throws(InvalidSchemaError) in
            try SchemaFormats.parse(text, type: type, references: references)
        }, parseStored: { text, type, references throws(InvalidSchemaError) in
            try SchemaFormats.parse(text, type: type, references: references, validatingNewSchema: false)
        })
    }

    public init(parse: @escaping SchemaParser, parseStored: SchemaParser? = nil) {
        self.parse = parse
        self.parseStored = parseStored ?? parse
    }

    /// Applies one record as read from the log; unreadable records are counted and skipped, as
    /// Karapace does, so one bad record written by another tool cannot stop the registry.
    public mutating func apply(_ record: RegistryLogRecord) {
        do {
            apply(try SchemaRecordCodec.decode(record))
        } catch {
            skippedRecords += 1
        }
    }

    public mutating func apply(_ record: SchemaRegistryRecord) {
        switch record {
        case let .schema(subject, version, value?):
            guard value.subject == subject, value.version == version, value.id >= 0 else {
                skippedRecords += 1
                return
            }
            remove(subject: subject, version: version)
            subjects[subject, default: SubjectVersions()].set(value)
            let schema = RegisteredSchema(value)
            let user = SubjectVersionReference(subject: subject, version: version)
            usersOfID[value.id, default: []].insert(user)
            if schemasByID[value.id] != schema {
                if let previous = identityByID[value.id], idsByIdentity[previous] == value.id { idsByIdentity[previous] = nil }
                let parsed = try? parsedSchema(text: value.schema, type: value.schemaType, references: value.references, stored: true)
                parsedByID[value.id] = parsed
                let identity = schema.identity(canonicalText: parsed?.canonicalString ?? value.schema)
                identityByID[value.id] = identity
                schemasByID[value.id] = schema
                if idsByIdentity[identity] == nil { idsByIdentity[identity] = value.id }
                let guid = SchemaGUID(value)
                if let previous = guidByID[value.id], idByGUID[previous] == value.id { idByGUID[previous] = nil }
                guidByID[value.id] = guid
                idByGUID[guid] = value.id
            }
            nextID = max(nextID, value.id + 1)
        case let .schema(subject, version, nil):
            remove(subject: subject, version: version)
        case let .deleteSubject(subject, version?):
            subjects[subject]?.markDeleted(through: version)
        case .deleteSubject(_, nil):
            break
        case let .config(subject?, value):
            subjectConfigs[subject] = value
        case let .config(nil, value):
            globalConfig = value
        case let .mode(subject?, value):
            subjectModes[subject] = value
        case let .mode(nil, value):
            globalMode = value
        case .noop, .other:
            break
        }
    }

    private mutating func remove(subject: String, version: Int) {
        guard let old = subjects[subject]?.remove(version: version) else { return }
        if subjects[subject]?.isEmpty == true { subjects[subject] = nil }
        usersOfID[old.id]?.remove(SubjectVersionReference(subject: subject, version: version))
        if usersOfID[old.id]?.isEmpty == true {
            usersOfID[old.id] = nil
            schemasByID[old.id] = nil
            parsedByID[old.id] = nil
            if let guid = guidByID.removeValue(forKey: old.id), idByGUID[guid] == old.id { idByGUID[guid] = nil }
            if let identity = identityByID.removeValue(forKey: old.id), idsByIdentity[identity] == old.id {
                idsByIdentity[identity] = nil
            }
        }
    }

    // MARK: Lookups shared by commands and queries

    /// Versions of a subject, oldest first; soft-deleted ones only when asked.
    func versions(of subject: String, includeDeleted: Bool) -> [SchemaRecordValue] {
        guard let values = subjects[subject]?.values else { return [] }
        return includeDeleted ? values : values.filter { !$0.deleted }
    }

    func id(for identity: RegisteredSchema.Identity) -> Int? { idsByIdentity[identity] }

    func identity(ofID id: Int) -> RegisteredSchema.Identity? { identityByID[id] }

    func users(of id: Int) -> Set<SubjectVersionReference> { usersOfID[id] ?? [] }

    /// The compatibility level that applies to a subject: its own, else the global one, else BACKWARD.
    func compatibilityLevel(for subject: String?) -> CompatibilityLevel {
        subject.flatMap { subjectConfigs[$0]?.compatibilityLevel } ?? globalConfig?.compatibilityLevel ?? .backward
    }

    /// The mode that applies to a subject: its own, else the global one, else READWRITE.
    func mode(for subject: String?) -> RegistryMode {
        subject.flatMap { subjectModes[$0] } ?? globalMode ?? .readWrite
    }

    /// Live versions that reference `subject` version `version` (a reference to -1 counts when
    /// `version` is the subject's latest live version).
    func referrers(of subject: String, version: Int) -> [SchemaRecordValue] {
        let latest = subjects[subject]?.latest(includeDeleted: false)?.version
        var found: [SchemaRecordValue] = []
        for versions in subjects.values {
            for value in versions.values where !value.deleted {
                if value.references.contains(where: { $0.subject == subject && ($0.version == version || ($0.version == -1 && latest == version)) }) {
                    found.append(value)
                }
            }
        }
        return found.sorted { ($0.id, $0.subject, $0.version) < ($1.id, $1.subject, $1.version) }
    }
}
