import BrookRecords
import NIOCore

/// What happens when a record is acknowledged or fails.
enum RecordCompletion: Sendable {
    /// `send` is waiting for it.
    case awaiting(CheckedContinuation<RecordMetadata, Error>)
    /// `enqueue` accepted it; the outcome goes to the delivery-report stream.
    case report
}

/// A record accepted by the producer: its bytes are already in its batch; this is what is needed
/// to complete it.
struct PendingRecord: Sendable {
    var completion: RecordCompletion
    var timestamp: Int64
    var acceptedAt: NIODeadline
    /// Bytes charged against `buffer.memory`.
    var size: Int
    /// Kept for the delivery report.
    var key: ByteBuffer?
    /// Kept for the delivery report.
    var opaque: Int? = nil

    /// An upper estimate of a record's encoded size: fields plus varint overhead.
    static func estimateSize(key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader]) -> Int {
        var size = 21 + (key?.readableBytes ?? 0) + (value?.readableBytes ?? 0)
        for header in headers { size += 10 + header.key.utf8.count + (header.value?.readableBytes ?? 0) }
        return size
    }
}

/// Records for one partition that travel together as one RecordBatch v2. Records are encoded into
/// `buffer` as they are appended (after 61 bytes kept for the header), so sending only fills in
/// the header, compresses if asked, and computes the CRC.
struct ProducerBatch: Sendable {
    let partition: TopicPartition
    private var buffer: ByteBuffer
    private(set) var records: [PendingRecord] = []
    /// Encoded bytes so far, header included.
    var size: Int { buffer.readableBytes }
    private var baseTimestamp: Int64 = 0
    private var maxTimestamp: Int64 = -1
    let createdAt: NIODeadline
    /// No more records go in: it filled up, or it has been sent at least once.
    var isSealed = false
    var attempts = 0
    var retryNotBefore: NIODeadline?
    /// Assigned on first send when idempotent; kept across retries.
    var baseSequence: Int32 = -1
    /// Names this batch's current trip to the broker (0: not sent), so its sequence can be found
    /// and lowered while it is away.
    var flight: UInt64 = 0
    /// The encoded batch, kept so a retry sends exactly the same bytes.
    private(set) var encoded: ByteBuffer?

    /// A new batch; `recycled` is a finished batch's buffer to write into instead of allocating.
    init(partition: TopicPartition, createdAt: NIODeadline, capacity: Int, recycled: ByteBuffer? = nil) {
        self.partition = partition
        self.createdAt = createdAt
        if var recycled {
            recycled.clear()
            buffer = recycled
        } else {
            buffer = ByteBufferAllocator().buffer(capacity: capacity)
        }
        buffer.moveWriterIndex(forwardBy: RecordBatchHeader.size)
    }

    /// Encodes one record at the end of the batch.
    mutating func append(key: ByteBuffer?, value: ByteBuffer?, headers: [RecordHeader], pending: PendingRecord) {
        if records.isEmpty {
            baseTimestamp = pending.timestamp
            maxTimestamp = pending.timestamp
        } else if pending.timestamp > maxTimestamp {
            maxTimestamp = pending.timestamp
        }
        RecordEncoding.write(
            offsetDelta: Int32(truncatingIfNeeded: records.count), timestampDelta: pending.timestamp &- baseTimestamp,
            key: key, value: value, headers: headers, into: &buffer)
        records.append(pending)
    }

    /// Gives the batch a new base sequence, also in its encoded bytes (header and CRC), after an
    /// earlier batch of the partition failed for good and the numbering closed the gap.
    mutating func renumber(baseSequence: Int32) {
        self.baseSequence = baseSequence
        guard var bytes = encoded else { return }
        encoded = nil  // drop our reference so the header is patched in place, not in a copy
        bytes.setInteger(baseSequence, at: bytes.readerIndex + Self.baseSequencePosition)
        RecordBatchHeader.updateCRC(in: &bytes, at: bytes.readerIndex)
        encoded = bytes
    }

    /// Offset of baseSequence in a v2 batch header (after producerId at 43 and producerEpoch at 51).
    static let baseSequencePosition = 53

    /// The finished batch (once): header with producer id, epoch and sequence, compression, CRC.
    /// `transactional` sets the isTransactional attribute (bit 4), which read_committed filtering needs.
    mutating func encode(codec: CompressionCodec, level: Int32?, producerId: Int64, producerEpoch: Int16,
                         transactional: Bool = false) throws -> ByteBuffer {
        if let encoded { return encoded }
        var out = buffer
        buffer = ByteBuffer()  // drop our reference so the header is written in place, not into a copy
        if codec != .none {
            let section = out.getSlice(at: out.readerIndex + RecordBatchHeader.size, length: out.readableBytes - RecordBatchHeader.size)!
            let compressed: ByteBuffer
            do {
                compressed = try Compression.compress(section, codec: codec, level: level, allocator: ByteBufferAllocator())
            } catch {
                throw KafkaClientError.invalidArgument("cannot compress batch for \(partition) with \(codec.name): \(error)")
            }
            out = ByteBufferAllocator().buffer(capacity: RecordBatchHeader.size + compressed.readableBytes)
            out.moveWriterIndex(forwardBy: RecordBatchHeader.size)
            out.writeImmutableBuffer(compressed)
        }
        let header = RecordBatchHeader(
            batchLength: Int32(out.readableBytes - RecordBatchHeader.logOverhead), attributes: Int16(codec.rawValue) | (transactional ? 0x10 : 0),
            lastOffsetDelta: Int32(max(0, records.count - 1)), baseTimestamp: baseTimestamp, maxTimestamp: maxTimestamp,
            producerId: producerId, producerEpoch: producerEpoch, baseSequence: baseSequence,
            recordCount: Int32(records.count))
        var headerBytes = ByteBuffer()
        header.write(into: &headerBytes)
        out.setBuffer(headerBytes, at: out.readerIndex)
        RecordBatchHeader.updateCRC(in: &out, at: out.readerIndex)
        encoded = out
        return out
    }
}
