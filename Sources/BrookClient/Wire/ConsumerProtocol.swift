import BrookProtocol
import NIOCore

/// The consumer protocol's member metadata (JoinGroup protocol metadata): subscribed topics and,
/// from v1, the partitions the member owns (for sticky/cooperative assignment). Classic,
/// non-flexible encoding; versions 0-3 are read, v1 is written.
public struct ConsumerSubscription: Sendable, Equatable {
    public var topics: [String]
    public var userData: ByteBuffer?
    public var ownedPartitions: [TopicPartition]
    public var generationId: Int32
    public var rackId: String?

    public init(topics: [String], userData: ByteBuffer? = nil, ownedPartitions: [TopicPartition] = [],
                generationId: Int32 = -1, rackId: String? = nil) {
        self.topics = topics
        self.userData = userData
        self.ownedPartitions = ownedPartitions
        self.generationId = generationId
        self.rackId = rackId
    }

    /// Encodes at `version` (0-3).
    public func encode(version: Int16 = 1) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeKafkaInteger(version)
        buffer.writeKafkaArray(topics, compact: false) { $0.writeKafkaString($1, compact: false) }
        buffer.writeKafkaNullableBytes(userData, compact: false)
        if version >= 1 { writeTopicPartitions(ownedPartitions, into: &buffer) }
        if version >= 2 { buffer.writeKafkaInteger(generationId) }
        if version >= 3 { buffer.writeKafkaNullableString(rackId, compact: false) }
        return buffer
    }

    /// Decodes any version; fields of newer versions than the one sent keep their defaults, and bytes
    /// after the fields this client knows are ignored (forward compatibility, as Kafka does).
    public init(decoding bytes: ByteBuffer) throws {
        var buffer = bytes
        let version = try buffer.readKafkaInteger(as: Int16.self)
        guard version >= 0 else { throw KafkaClientError.protocolViolation("consumer subscription version \(version)") }
        topics = try buffer.readKafkaArray(compact: false) { try $0.readKafkaString(compact: false) }
        userData = try buffer.readKafkaNullableBytes(compact: false)
        ownedPartitions = version >= 1 ? try readTopicPartitions(from: &buffer) : []
        generationId = version >= 2 ? try buffer.readKafkaInteger(as: Int32.self) : -1
        rackId = version >= 3 ? try buffer.readKafkaNullableString(compact: false) : nil
    }
}

/// The consumer protocol's assignment (SyncGroup assignment bytes): the partitions a member gets.
public struct ConsumerAssignment: Sendable, Equatable {
    public var partitions: [TopicPartition]
    public var userData: ByteBuffer?

    public init(partitions: [TopicPartition], userData: ByteBuffer? = nil) {
        self.partitions = partitions
        self.userData = userData
    }

    /// Encodes at `version` (0 or 1; the layouts are the same).
    public func encode(version: Int16 = 0) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeKafkaInteger(version)
        writeTopicPartitions(partitions, into: &buffer)
        buffer.writeKafkaNullableBytes(userData, compact: false)
        return buffer
    }

    /// Decodes any version; an empty buffer is an empty assignment (what brokers send members that got nothing).
    public init(decoding bytes: ByteBuffer) throws {
        var buffer = bytes
        guard buffer.readableBytes > 0 else {
            partitions = []
            userData = nil
            return
        }
        _ = try buffer.readKafkaInteger(as: Int16.self)
        partitions = try readTopicPartitions(from: &buffer)
        userData = buffer.readableBytes > 0 ? try buffer.readKafkaNullableBytes(compact: false) : nil
    }
}

private func writeTopicPartitions(_ partitions: [TopicPartition], into buffer: inout ByteBuffer) {
    var byTopic: [String: [Int32]] = [:]
    for partition in partitions { byTopic[partition.topic, default: []].append(partition.partition) }
    buffer.writeKafkaArray(byTopic.sorted { $0.key < $1.key }, compact: false) { out, entry in
        out.writeKafkaString(entry.key, compact: false)
        out.writeKafkaArray(entry.value.sorted(), compact: false) { $0.writeKafkaInteger($1) }
    }
}

private func readTopicPartitions(from buffer: inout ByteBuffer) throws -> [TopicPartition] {
    let topics = try buffer.readKafkaArray(compact: false) { entry -> [TopicPartition] in
        let topic = try entry.readKafkaString(compact: false)
        let partitions = try entry.readKafkaArray(compact: false, minElementSize: 4) { try $0.readKafkaInteger(as: Int32.self) }
        return partitions.map { TopicPartition(topic, $0) }
    }
    return topics.flatMap { $0 }
}
