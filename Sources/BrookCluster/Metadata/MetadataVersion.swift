/// The revision a metadata record was read at, carried back on every write as the compare-and-swap
/// guard. In etcd it is the key's `mod_revision`; `LocalMetadataStore` counts its own writes, so a
/// version is only meaningful to the store that returned it. `.absent` means "no such key": a create
/// compares against it.
public struct MetadataVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let revision: Int64

    public init(revision: Int64) { self.revision = revision }

    /// The key does not exist (etcd's `mod_revision` of a missing key is 0).
    public static let absent = MetadataVersion(revision: 0)

    public static func < (lhs: MetadataVersion, rhs: MetadataVersion) -> Bool { lhs.revision < rhs.revision }

    public var description: String { "r\(revision)" }
}

/// A value with the version it was read or written at.
public struct Versioned<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var version: MetadataVersion

    public init(_ value: Value, version: MetadataVersion) {
        self.value = value
        self.version = version
    }
}
