import BrookRecords

/// What a produce to one topic must satisfy, resolved through the config resolver (topic override →
/// runtime broker setting → server.properties → Kafka's default) and cached on the topic until its
/// configs or the runtime broker settings change (`TopicRegistry.producePolicy(for:)`), so a change
/// takes effect on the next request without resolving strings on every one.
struct ProducePolicy: Sendable {
    /// `max.message.bytes` (broker: `message.max.bytes`): largest batch, log overhead included.
    var maxBatchBytes: Int
    /// Cap on decompressing one batch's records (`socket.request.max.bytes`, as a request cannot be larger).
    var maxDecompressedSize: Int
    /// `cleanup.policy` contains `compact`: every record needs a key.
    var compacted: Bool
    /// `message.timestamp.type=LogAppendTime`: the broker stamps batches; timestamps are not checked.
    var logAppendTime: Bool
    /// Accepted CreateTime range around now, from `message.timestamp.before.max.ms`/`after.max.ms`
    /// (each also bounded by the older `message.timestamp.difference.max.ms`); nil when unbounded.
    var timestampBounds: TimestampBounds?
    /// `compression.type`: the codec batches are stored with, nil to keep the producer's.
    var compression: CompressionCodec?
    /// `min.insync.replicas`.
    var minInsyncReplicas: Int64
    /// `confluent.key/value.schema.validation`: records must name schemas registered for the topic.
    var schemaIds: SchemaIdValidation?

    init(resolver: TopicConfigResolver, overrides: [String: String], maxDecompressedSize: Int,
         topic: String = "", schemaIdSlot: SchemaIdSlot? = nil) {
        let maxBytes = resolver.int64("max.message.bytes", overrides) ?? Int64(resolver.broker.messageMaxBytes)
        maxBatchBytes = Int(clamping: maxBytes)
        self.maxDecompressedSize = maxDecompressedSize
        compacted = resolver.cleanupPolicy(overrides).contains("compact")
        logAppendTime = resolver.effective("message.timestamp.type", overrides: overrides).value == "LogAppendTime"
        let difference = resolver.int64("message.timestamp.difference.max.ms", overrides) ?? Int64.max
        let before = min(difference, resolver.int64("message.timestamp.before.max.ms", overrides) ?? Int64.max)
        let after = min(difference, resolver.int64("message.timestamp.after.max.ms", overrides) ?? Int64.max)
        timestampBounds = logAppendTime || (before == Int64.max && after == Int64.max)
            ? nil : TimestampBounds(beforeMaxMs: before, afterMaxMs: after)
        compression = TopicCompression.target(resolver.effective("compression.type", overrides: overrides).value)
        minInsyncReplicas = resolver.int64("min.insync.replicas", overrides) ?? 1
        let keys = resolver.effective("confluent.key.schema.validation", overrides: overrides).value == "true"
        let values = resolver.effective("confluent.value.schema.validation", overrides: overrides).value == "true"
        func strategy(_ name: String) -> SubjectNameStrategy {
            resolver.effective(name, overrides: overrides).value.flatMap(SubjectNameStrategy.init(configValue:)) ?? .topicName
        }
        schemaIds = keys || values
            ? SchemaIdValidation(keys: keys, values: values, topic: topic, slot: schemaIdSlot ?? SchemaIdSlot(),
                                 keyStrategy: strategy("confluent.key.subject.name.strategy"),
                                 valueStrategy: strategy("confluent.value.subject.name.strategy"))
            : nil
    }

    /// Whether records may have to be looked at one by one (keys, timestamps that the header alone
    /// cannot vouch for, or a batch claiming LogAppendTime).
    var checksRecords: Bool { compacted || timestampBounds != nil || logAppendTime || schemaIds != nil }
}

/// The CreateTime range a topic accepts: [now - beforeMaxMs, now + afterMaxMs], Int64.max meaning unbounded.
struct TimestampBounds: Sendable, Equatable {
    var beforeMaxMs: Int64
    var afterMaxMs: Int64

    func accepts(_ timestamp: Int64, now: Int64) -> Bool {
        // Kafka's rule, written without overflow for timestamps anywhere in Int64: a difference
        // too large for Int64 is beyond every bound but the unbounded one.
        if timestamp < now {
            let (age, overflow) = now.subtractingReportingOverflow(timestamp)
            return beforeMaxMs == Int64.max || (!overflow && age <= beforeMaxMs)
        }
        let (ahead, overflow) = timestamp.subtractingReportingOverflow(now)
        return afterMaxMs == Int64.max || (!overflow && ahead <= afterMaxMs)
    }

    /// "[low, high]" as Kafka prints it in INVALID_TIMESTAMP messages.
    func rangeText(now: Int64) -> String {
        let low = beforeMaxMs == Int64.max ? "-inf" : String(now &- beforeMaxMs)
        let high = afterMaxMs == Int64.max ? "+inf" : String(now &+ afterMaxMs)
        return "[\(low), \(high)]"
    }
}
