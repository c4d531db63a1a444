import BrookRecords
import NIOCore

/// A record header as it travels in a record batch: a string key and optional bytes.
public typealias KafkaHeader = RecordHeader

/// A record to produce. Key and value are bytes; a nil key spreads records over partitions
/// (sticky per batch), a key picks the partition by murmur2 hash, `partition` overrides both.
public struct ProducerRecord: Sendable {
    public var topic: String
    public var partition: Int32?
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [KafkaHeader]
    /// Create time in milliseconds since the epoch; nil means "now" when the record is accepted.
    public var timestamp: Int64?
    /// Not sent: handed back in the record's `DeliveryReport` (librdkafka's per-message opaque), so
    /// a caller of `enqueue` can tell which of its records a report is about.
    public var opaque: Int?

    public init(topic: String, partition: Int32? = nil, key: ByteBuffer? = nil, value: ByteBuffer?,
                headers: [KafkaHeader] = [], timestamp: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestamp = timestamp
    }

    /// A record with UTF-8 string key and value.
    public init(topic: String, partition: Int32? = nil, key: String? = nil, value: String?,
                headers: [KafkaHeader] = [], timestamp: Int64? = nil) {
        self.init(topic: topic, partition: partition, key: key.map { ByteBuffer(string: $0) },
                  value: value.map { ByteBuffer(string: $0) }, headers: headers, timestamp: timestamp)
    }

    /// A record with byte-array key and value.
    public init(topic: String, partition: Int32? = nil, key: [UInt8]?, value: [UInt8]?,
                headers: [KafkaHeader] = [], timestamp: Int64? = nil) {
        self.init(topic: topic, partition: partition, key: key.map { ByteBuffer(bytes: $0) },
                  value: value.map { ByteBuffer(bytes: $0) }, headers: headers, timestamp: timestamp)
    }
}

/// Where an acknowledged record was written. `offset` is -1 with acks=0.
public struct RecordMetadata: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The record's timestamp: its create time, or the broker's append time on LogAppendTime topics.
    public var timestamp: Int64
}

/// The outcome of a record sent with `KafkaProducer.enqueue`.
public struct DeliveryReport: Sendable {
    /// The record's topic and partition (known even when delivery failed after partitioning).
    public var topicPartition: TopicPartition
    /// Where it was written, or why it was not.
    public var result: Result<RecordMetadata, KafkaClientError>
    /// From acceptance by `enqueue` to the broker's acknowledgement (or the failure), in nanoseconds.
    public var latencyNanoseconds: Int64
    /// `latencyNanoseconds` as a `Duration`.
    public var latency: Duration { .nanoseconds(latencyNanoseconds) }
    /// The record's key, for matching reports to records.
    public var key: ByteBuffer?
    /// The record's `ProducerRecord.opaque`.
    public var opaque: Int? = nil
}
