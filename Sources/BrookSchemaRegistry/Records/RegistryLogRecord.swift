/// One record of the registry's log as bytes: a `_schemas` key and value (nil = tombstone).
public struct RegistryLogRecord: Sendable, Hashable {
    public var key: [UInt8]
    public var value: [UInt8]?

    public init(key: [UInt8], value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}
