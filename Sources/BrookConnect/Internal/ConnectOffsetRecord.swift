import BrookSchemas

/// A source connector's offset in `connect-offsets`, as Kafka 3.9's `OffsetStorageWriter` writes it
/// and `OffsetUtils.processPartitionKey` reads it: the key is `["<connector>",{source partition}]`,
/// the value the source offset object (e.g. FileStreamSource's `{"filename":…}` → `{"position":N}`),
/// and a null value (a tombstone) deletes the partition's offset.
public struct ConnectOffsetRecord: Sendable, Hashable {
    public var connector: String
    /// The source partition: a JSON object of primitive values.
    public var partition: JSONValue
    /// The source offset; nil is a tombstone.
    public var offset: JSONValue?

    public init(connector: String, partition: JSONValue, offset: JSONValue?) {
        self.connector = connector
        self.partition = partition
        self.offset = offset
    }

    public var key: [UInt8] {
        ConnectInternalJSON.bytes(.array([.string(connector), partition]))
    }

    public var value: [UInt8]? {
        offset.map(ConnectInternalJSON.bytes)
    }

    /// Reads a record; keys that are not a two-element `[string, object]` array are ignored (Kafka
    /// ignores `[name, null]` silently, and logs the rest).
    public static func decode(key: [UInt8]?, value: [UInt8]?) -> ConnectRecordDecoding<ConnectOffsetRecord> {
        guard let key else { return .ignored(reason: "offset record with a null key") }
        guard let parsed = ConnectInternalJSON.parse(key), let items = parsed.arrayValue else {
            return .ignored(reason: "offset key is not a JSON array")
        }
        guard items.count == 2 else { return .ignored(reason: "offset key has \(items.count) elements, not 2") }
        guard let connector = items[0].stringValue else { return .ignored(reason: "offset key does not start with a connector name") }
        guard items[1].objectMembers != nil else { return .ignored(reason: "offset key's partition is not an object") }
        guard let value else { return .record(ConnectOffsetRecord(connector: connector, partition: items[1], offset: nil)) }
        guard let offset = ConnectInternalJSON.parse(value) else { return .ignored(reason: "offset value is not JSON") }
        return .record(ConnectOffsetRecord(connector: connector, partition: items[1], offset: offset == .null ? nil : offset))
    }
}
