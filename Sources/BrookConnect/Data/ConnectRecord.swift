/// A record as connectors, converters and transforms see it (Kafka's `ConnectRecord`, with
/// `SinkRecord`'s offset): topic, partition, key and value each with an optional schema (nil =
/// schemaless), timestamp and headers.
public struct ConnectRecord: Sendable, Hashable {
    public var topic: String
    public var kafkaPartition: Int32?
    public var keySchema: ConnectSchema?
    public var key: ConnectValue
    public var valueSchema: ConnectSchema?
    public var value: ConnectValue
    /// Milliseconds since the epoch, if the record has one.
    public var timestamp: Int64?
    public var headers: [ConnectHeader]
    /// The Kafka offset of a sink record; nil for source records.
    public var kafkaOffset: Int64?

    public init(topic: String, kafkaPartition: Int32? = nil, keySchema: ConnectSchema? = nil, key: ConnectValue = .null,
                valueSchema: ConnectSchema? = nil, value: ConnectValue = .null, timestamp: Int64? = nil,
                headers: [ConnectHeader] = [], kafkaOffset: Int64? = nil) {
        self.topic = topic
        self.kafkaPartition = kafkaPartition
        self.keySchema = keySchema
        self.key = key
        self.valueSchema = valueSchema
        self.value = value
        self.timestamp = timestamp
        self.headers = headers
        self.kafkaOffset = kafkaOffset
    }

    /// A record with a null value (a tombstone on a compacted topic).
    public var isTombstone: Bool { value == .null }

    /// The last header named `key` (Headers.lastWithName).
    public func lastHeader(named key: String) -> ConnectHeader? {
        headers.last { $0.key == key }
    }
}

/// One record header: a key and a Connect value with an optional schema (Kafka's `Header`).
public struct ConnectHeader: Sendable, Hashable {
    public var key: String
    public var schema: ConnectSchema?
    public var value: ConnectValue

    public init(key: String, schema: ConnectSchema? = nil, value: ConnectValue) {
        self.key = key
        self.schema = schema
        self.value = value
    }
}
