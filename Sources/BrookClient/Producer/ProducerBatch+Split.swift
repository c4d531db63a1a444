import BrookRecords
import NIOCore

extension ProducerBatch {
    /// Splits a sent batch the broker refused as larger than the topic's `max.message.bytes`
    /// (MESSAGE_TOO_LARGE) into smaller batches holding its records in order, each about half its
    /// size or a lone record bigger than that. A batch under `batch.size` can still be too large for
    /// a topic with a smaller limit, so halving (rather than cutting at `batch.size`) always makes
    /// progress. The parts keep the batch's creation time (for `delivery.timeout.ms`) and, when
    /// idempotent, take consecutive sequences from its base sequence: the broker appended none of it.
    ///
    /// Returns nil for a batch of one record (nothing to split) or one not encoded yet.
    func split() throws -> [ProducerBatch]? {
        guard records.count > 1, let encoded else { return nil }
        let decoded: RecordBatch
        do {
            decoded = try RecordBatch.decode(encoded, maxDecompressedSize: Int(Int32.max))
        } catch {
            throw KafkaClientError.invalidArgument("cannot split batch for \(partition): \(error)")
        }
        guard decoded.records.count == records.count else {
            throw KafkaClientError.invalidArgument("cannot split batch for \(partition): \(decoded.records.count) records decoded, \(records.count) sent")
        }
        let sizes = decoded.records.map(\.encodedSize)
        let target = max(sizes.reduce(0, +) / 2, sizes.max() ?? 0)
        var parts: [ProducerBatch] = []
        var current: ProducerBatch?
        var currentBytes = 0
        for (index, record) in decoded.records.enumerated() {
            if current == nil || currentBytes + sizes[index] > target {
                if let full = current { parts.append(full) }
                current = ProducerBatch(partition: partition, createdAt: createdAt, capacity: min(target, size) + RecordBatchHeader.size + 64)
                currentBytes = 0
            }
            current?.append(key: record.key, value: record.value, headers: record.headers, pending: records[index])
            currentBytes += sizes[index]
        }
        if let last = current { parts.append(last) }
        var sequence = baseSequence
        for index in parts.indices {
            parts[index].isSealed = true
            parts[index].attempts = attempts
            if sequence >= 0 {
                parts[index].baseSequence = sequence
                sequence = ProducerBatch.sequence(sequence, plus: parts[index].records.count)
            }
        }
        return parts
    }

    /// `sequence` advanced by `count`, wrapping after Int32.max to 0 as Kafka's sequences do.
    static func sequence(_ sequence: Int32, plus count: Int) -> Int32 {
        let next = Int64(sequence) + Int64(count)
        if next > Int64(Int32.max) { return Int32(truncatingIfNeeded: next - Int64(Int32.max) - 1) }
        if next < 0 { return Int32(truncatingIfNeeded: next + Int64(Int32.max) + 1) }
        return Int32(next)
    }
}
