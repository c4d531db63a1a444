/// The key of a `_schemas` record: what the record is about. Confluent, Karapace and Redpanda share
/// these JSON keys, so compaction keeps one record per logical key only if every writer spells the
/// key byte for byte alike (member order keytype, subject, version, magic; compact; see
/// PLATFORM-NOTES §7 and Karapace `key_format.py`).
public enum SchemaRegistryKey: Sendable, Hashable {
    /// One version of a subject (`magic` 1).
    case schema(subject: String, version: Int)
    /// Compatibility configuration; a nil subject is the global one.
    case config(subject: String?)
    /// Mode (READWRITE, READONLY, IMPORT...); a nil subject is the global one.
    case mode(subject: String?)
    /// A soft delete of a whole subject up to a version.
    case deleteSubject(subject: String)
    /// The marker a registry writes to learn the topic's end (leader sync); carries no state.
    case noop
    /// A key type this registry does not know (e.g. Confluent's CLEAR_SUBJECT or CONTEXT): skipped.
    case other(keytype: String)

    var keytype: String {
        switch self {
        case .schema: "SCHEMA"
        case .config: "CONFIG"
        case .mode: "MODE"
        case .deleteSubject: "DELETE_SUBJECT"
        case .noop: "NOOP"
        case let .other(keytype): keytype
        }
    }
}
