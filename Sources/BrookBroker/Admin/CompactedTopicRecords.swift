import BrookRecords

/// Produce-side rule of compacted topics: every record needs a key.
enum CompactedTopicRecords {
    /// Nil when every record in `batches` has a key; otherwise INVALID_RECORD's message.
    static func keylessProblem(_ batches: [ValidatedBatch], partition: String, maxDecompressedSize: Int) -> String? {
        for batch in batches {
            guard let decoded = try? RecordBatch.decode(batch.buffer, maxDecompressedSize: maxDecompressedSize) else {
                return "Compacted topic records could not be read in topic partition \(partition)."
            }
            if decoded.records.contains(where: { $0.key == nil }) {
                return "Compacted topic cannot accept message without key in topic partition \(partition)."
            }
        }
        return nil
    }
}
