import BrookRecords
import NIOCore

/// What happens when a record is acknowledged or fails.
enum RecordCompletion: Sendable {
    /// `send` is waiting for it.
    case awaiting(CheckedContinuation<RecordMetadata, Error>)
    /// `enqueue` accepted it; the outcome goes to the delivery-report stream.
    case report
}

/// A record accepted by the producer and waiting in a batch.
struct PendingRecord: Sendable {
    var key: ByteBuffer?
    var value: ByteBuffer?
    var headers: [RecordHeader]
    var timestamp: Int64
    var completion: RecordCompletion
    var acceptedAt: NIODeadline
    /// Bytes charged against `buffer.memory` and `batch.size`.
    var size: Int

    /// An upper estimate of the record's encoded size: fields plus varint overhead.
    static func estimateSize(key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader]) -> Int {
        var size = 21 + (key?.readableBytes ?? 0) + (value?.readableBytes ?? 0)
        for header in headers { size += 10 + header.key.utf8.count + (header.value?.readableBytes ?? 0) }
        return size
    }
}

/// Records for one partition that travel together as one RecordBatch v2.
struct ProducerBatch: Sendable {
    let partition: TopicPartition
    var records: [PendingRecord] = []
    /// Sum of the records' sizes plus the batch header.
    var size = RecordBatchHeader.size
    let createdAt: NIODeadline
    /// No more records go in: it filled up, or it has been sent at least once.
    var isSealed = false
    var attempts = 0
    var retryNotBefore: NIODeadline?
    /// Assigned on first send when idempotent; kept across retries.
    var baseSequence: Int32 = -1
    /// The encoded batch, kept so a retry sends exactly the same bytes.
    var encoded: ByteBuffer?

    init(partition: TopicPartition, createdAt: NIODeadline) {
        self.partition = partition
        self.createdAt = createdAt
    }

    /// Encodes the records (once) with the producer id, epoch and sequence given.
    mutating func encode(codec: CompressionCodec, level: Int32?, producerId: Int64, producerEpoch: Int16) throws -> ByteBuffer {
        if let encoded { return encoded }
        var builder = RecordBatchBuilder(
            codec: codec, producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence,
            compressionLevel: level)
        for record in records {
            builder.append(key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp)
        }
        do {
            let bytes = try builder.build()
            encoded = bytes
            return bytes
        } catch {
            throw KafkaClientError.invalidArgument("cannot compress batch for \(partition) with \(codec.name): \(error)")
        }
    }
}
