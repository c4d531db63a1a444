/// Kafka's topic-level configs: names, types, defaults, ranges and the broker settings they fall back to.
enum TopicConfigCatalog {
    static let longMax = String(Int64.max)

    static let definitions: [ConfigDefinition] = [
        .init("cleanup.policy", .list, "delete", broker: "log.cleanup.policy", .listOf(["delete", "compact"]),
              doc: "Either \"delete\" or \"compact\" or both: how old log segments are discarded."),
        .init("compression.type", .string, "producer", broker: "compression.type",
              .oneOf(["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
              doc: "Final compression of the topic's data; \"producer\" keeps the codec the producer used."),
        .init("confluent.key.schema.validation", .boolean, "false", broker: nil,
              doc: "Produce refuses records whose key does not name a schema registered under <topic>-key."),
        .init("confluent.key.subject.name.strategy", .string, SubjectNameStrategy.defaultConfigValue, broker: nil,
              .oneOf(SubjectNameStrategy.configValues),
              doc: "The subject key schemas are validated against: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy."),
        .init("confluent.value.schema.validation", .boolean, "false", broker: nil,
              doc: "Produce refuses records whose value does not name a schema registered under <topic>-value."),
        .init("confluent.value.subject.name.strategy", .string, SubjectNameStrategy.defaultConfigValue, broker: nil,
              .oneOf(SubjectNameStrategy.configValues),
              doc: "The subject value schemas are validated against: TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy."),
        .init("delete.retention.ms", .long, "86400000", broker: "log.cleaner.delete.retention.ms", .intRange(0, Int64.max),
              doc: "How long tombstones are kept on compacted topics."),
        .init("file.delete.delay.ms", .long, "60000", broker: "log.segment.delete.delay.ms", .intRange(0, Int64.max),
              doc: "Time to wait before deleting a file from the filesystem."),
        .init("flush.messages", .long, longMax, broker: "log.flush.interval.messages", .intRange(1, Int64.max),
              doc: "Number of messages after which the log is fsynced."),
        .init("flush.ms", .long, longMax, broker: "log.flush.interval.ms", .intRange(0, Int64.max),
              doc: "Time after which unflushed data is fsynced."),
        .init("follower.replication.throttled.replicas", .list, "", broker: "follower.replication.throttled.replicas",
              doc: "Replicas throttled on the follower side (no effect on a single node)."),
        .init("index.interval.bytes", .int, "4096", broker: "log.index.interval.bytes", .intRange(0, Int64(Int32.max)),
              doc: "Bytes of log between two offset index entries."),
        .init("leader.replication.throttled.replicas", .list, "", broker: "leader.replication.throttled.replicas",
              doc: "Replicas throttled on the leader side (no effect on a single node)."),
        .init("local.retention.bytes", .long, "-2", broker: "log.local.retention.bytes", .intRange(-2, Int64.max),
              doc: "Local retention size with tiered storage (no effect without it)."),
        .init("local.retention.ms", .long, "-2", broker: "log.local.retention.ms", .intRange(-2, Int64.max),
              doc: "Local retention time with tiered storage (no effect without it)."),
        .init("max.compaction.lag.ms", .long, longMax, broker: "log.cleaner.max.compaction.lag.ms", .intRange(1, Int64.max),
              doc: "Maximum time a message stays uncompacted."),
        .init("max.message.bytes", .int, "1048588", broker: "message.max.bytes", .intRange(0, Int64(Int32.max)),
              doc: "Largest record batch size allowed (after compression)."),
        .init("message.downconversion.enable", .boolean, "true", broker: "log.message.downconversion.enable",
              doc: "Whether old-format consumers get down-converted messages."),
        .init("message.timestamp.after.max.ms", .long, longMax, broker: "log.message.timestamp.after.max.ms",
              .intRange(0, Int64.max), doc: "How far a CreateTime timestamp may be ahead of the broker's clock."),
        .init("message.timestamp.before.max.ms", .long, longMax, broker: "log.message.timestamp.before.max.ms",
              .intRange(0, Int64.max), doc: "How far a CreateTime timestamp may be behind the broker's clock."),
        .init("message.timestamp.difference.max.ms", .long, longMax, broker: "log.message.timestamp.difference.max.ms",
              .intRange(0, Int64.max), doc: "Largest difference allowed between a CreateTime timestamp and the broker's clock."),
        .init("message.timestamp.type", .string, "CreateTime", broker: "log.message.timestamp.type",
              .oneOf(["CreateTime", "LogAppendTime"]), doc: "Whether record timestamps are the producer's or the append time."),
        .init("min.cleanable.dirty.ratio", .double, "0.5", broker: "log.cleaner.min.cleanable.ratio", .doubleRange(0, 1),
              doc: "Dirty share of the log above which it is compacted."),
        .init("min.compaction.lag.ms", .long, "0", broker: "log.cleaner.min.compaction.lag.ms", .intRange(0, Int64.max),
              doc: "Minimum time a message stays uncompacted."),
        .init("min.insync.replicas", .int, "1", broker: "min.insync.replicas", .intRange(1, Int64(Int32.max)),
              doc: "Minimum in-sync replicas for acks=all writes."),
        .init("preallocate", .boolean, "false", broker: "log.preallocate", doc: "Whether segment files are preallocated."),
        .init("remote.storage.enable", .boolean, "false", broker: nil, doc: "Tiered storage (not supported by Brook)."),
        .init("retention.bytes", .long, "-1", broker: "log.retention.bytes", doc: "Largest size a partition may grow to before old segments are deleted; -1 for no limit."),
        .init("retention.ms", .long, "604800000", broker: "log.retention.ms", .intRange(-1, Int64.max),
              doc: "How long a segment is kept before it is deleted; -1 for no limit."),
        .init("segment.bytes", .int, "1073741824", broker: "log.segment.bytes", .intRange(14, Int64(Int32.max)),
              doc: "Segment file size."),
        .init("segment.index.bytes", .int, "10485760", broker: "log.index.size.max.bytes", .intRange(4, Int64(Int32.max)),
              doc: "Size of the index that maps offsets to file positions."),
        .init("segment.jitter.ms", .long, "0", broker: "log.roll.jitter.ms", .intRange(0, Int64.max),
              doc: "Maximum random jitter subtracted from segment.ms."),
        .init("segment.ms", .long, "604800000", broker: "log.roll.ms", .intRange(1, Int64.max),
              doc: "Time after which a segment is rolled even if it is not full."),
        .init("unclean.leader.election.enable", .boolean, "false", broker: "unclean.leader.election.enable",
              doc: "Whether out-of-sync replicas may become leader (no effect on a single node)."),
    ]

    static let byName: [String: ConfigDefinition] = Dictionary(uniqueKeysWithValues: definitions.map { ($0.name, $0) })

    /// Nil when every override is a known config with a valid value; otherwise INVALID_CONFIG's message.
    static func problem(with configs: [String: String?]) -> String? {
        for (name, value) in configs.sorted(by: { $0.key < $1.key }) {
            guard let definition = byName[name] else { return "Unknown topic config name: \(name)" }
            if let problem = definition.problem(with: value) { return problem }
        }
        return nil
    }
}

extension TopicConfigCatalog {
    /// `problem(with:)` for overrides that all have values.
    static func problem(with configs: [String: String]) -> String? {
        problem(with: configs.mapValues { Optional($0) })
    }
}
