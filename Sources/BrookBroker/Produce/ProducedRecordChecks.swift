import BrookRecords

/// One produced record that breaks a topic rule.
struct RecordProblem: Sendable, Equatable {
    enum Rule: Sendable, Equatable {
        /// A compacted topic's record without a key (INVALID_RECORD).
        case keyRequired
        /// A CreateTime outside `message.timestamp.before/after.max.ms` (INVALID_TIMESTAMP).
        case timestampRange
        /// A producer batch claiming LogAppendTime on a LogAppendTime topic (INVALID_TIMESTAMP).
        case timestampType
        /// A key or value without a schema id registered for the topic (INVALID_RECORD), on a topic
        /// with `confluent.key/value.schema.validation=true`.
        case schemaId
    }

    /// The record's index among the partition's records in the request. Kafka's `batch_index` is the
    /// index within the one batch a Produce v3+ partition carries; with several batches, Brook
    /// counts on across them.
    var index: Int32
    var rule: Rule
    /// Kafka's text for the rule.
    var message: String
}

/// The per-record rules of a produce (keys on compacted topics, CreateTime bounds, no producer
/// LogAppendTime on a LogAppendTime topic), checked by
/// walking records one at a time, so no batch is materialised. Batches are opened only when a
/// rule applies (as Kafka, which always opens them).
enum ProducedRecordChecks {
    /// Records named at most: the walk stops there, so one small batch declaring millions of bad
    /// records costs neither the time to read them all nor memory for each (any client batch is far
    /// smaller; its other bad records are still refused with the batch).
    static let maxProblems = 100_000

    /// The records of `batches` that break a rule of `policy`, in order (the first `limit`);
    /// empty when all pass. Throws when a batch that must be opened cannot be read.
    static func problems(in batches: [ValidatedBatch], policy: ProducePolicy, partition: String, now: Int64,
                         limit: Int = maxProblems) throws(RecordValidationError) -> [RecordProblem] {
        guard policy.checksRecords else { return [] }
        let keyless = "Compacted topic cannot accept message without key in topic partition \(partition)."
        var problems: [RecordProblem] = []
        var first: Int32 = 0
        let schemaLookup = policy.schemaIds?.slot.current
        for batch in batches where problems.count < limit {
            defer { first &+= batch.header.recordCount }
            // The header's timestamps cannot vouch for the records: deltas may go below the base.
            let bounds = batch.header.timestampType == .createTime ? policy.timestampBounds : nil
            // On a LogAppendTime topic the broker stamps batches; Kafka refuses a producer's claim to.
            let claimsAppendTime = policy.logAppendTime && batch.header.timestampType == .logAppendTime
            guard policy.compacted || bounds != nil || claimsAppendTime || policy.schemaIds != nil else { continue }
            var reader = try BatchRecordReader(batch.buffer, maxDecompressedSize: policy.maxDecompressedSize)
            while problems.count < limit, let record = try reader.next() {
                let index = first &+ Int32(reader.index - 1)
                // Kafka reports one problem per record, the key first.
                if policy.compacted && record.key == nil {
                    problems.append(RecordProblem(index: index, rule: .keyRequired, message: keyless))
                    continue
                }
                if let validation = policy.schemaIds,
                   let problem = validation.problem(key: record.key, value: record.value, lookup: schemaLookup) {
                    problems.append(RecordProblem(index: index, rule: .schemaId, message: problem))
                    continue
                }
                if claimsAppendTime {
                    let offset = batch.header.baseOffset &+ Int64(record.offsetDelta)
                    problems.append(RecordProblem(index: index, rule: .timestampType, message:
                        "Invalid timestamp type in message with offset \(offset). " +
                        "Producer should not set timestamp type to LogAppendTime."))
                } else if let bounds {
                    let timestamp = record.absoluteTimestamp(baseTimestamp: batch.header.baseTimestamp)
                    if timestamp != -1 && !bounds.accepts(timestamp, now: now) {
                        let offset = batch.header.baseOffset &+ Int64(record.offsetDelta)
                        problems.append(RecordProblem(index: index, rule: .timestampRange, message:
                            "Timestamp \(timestamp) of message with offset \(offset) is out of range. " +
                            "The timestamp should be within \(bounds.rangeText(now: now))"))
                    }
                }
            }
        }
        return problems
    }
}
