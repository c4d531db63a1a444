import BrookRecords
import NIOCore

/// A record read by a consumer.
public struct ConsumerRecord: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// Milliseconds since the epoch: create time or log-append time, see `timestampType`.
    public var timestamp: Int64
    public var timestampType: TimestampType
    public var key: ByteBuffer?
    public var value: ByteBuffer?
    public var headers: [KafkaHeader]
    /// The leader epoch of the batch, -1 when unknown.
    public var leaderEpoch: Int32

    public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64, timestampType: TimestampType = .createTime,
                key: ByteBuffer?, value: ByteBuffer?, headers: [KafkaHeader] = [], leaderEpoch: Int32 = -1) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
        self.timestampType = timestampType
        self.key = key
        self.value = value
        self.headers = headers
        self.leaderEpoch = leaderEpoch
    }

    /// The topic and partition.
    public var topicPartition: TopicPartition { TopicPartition(topic, partition) }
}
