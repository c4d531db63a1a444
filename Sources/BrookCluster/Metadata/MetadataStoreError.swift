/// Why a metadata store refused or failed an operation.
public enum MetadataStoreError: Error, Sendable, Equatable {
    /// A create found the topic already stored (the create's compare against `.absent` failed).
    case topicExists(String)
    /// The topic is not stored.
    case topicNotFound(String)
    /// The stored version is not the one the write was based on: someone else wrote in between.
    /// Re-read and retry (or give up) — never overwrite.
    case versionConflict(key: String, expected: MetadataVersion, actual: MetadataVersion)
    /// The request itself is invalid (fewer partitions than stored, a malformed name, ...).
    case invalid(String)
    /// Stored data belongs to another node (local store: `node.id` in `meta.properties` differs).
    case identityMismatch(String)
    /// No producer ids are left.
    case producerIdsExhausted
    /// Reading or writing the backing storage failed.
    case storage(String)
}
