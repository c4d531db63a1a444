/// Broker settings that Kafka lets operators change at runtime (IncrementalAlterConfigs on a BROKER
/// resource): the broker-level defaults of topic configs, plus the log cleaner's own settings
/// (Kafka's `LogCleaner.ReconfigurableConfigs`, those Brook implements).
enum DynamicBrokerSettings {
    /// Settings with no topic-level counterpart. `brokerSynonym` is the setting's own name, so they
    /// resolve like the topic-config defaults.
    static let brokerOnly: [ConfigDefinition] = [
        .init("log.cleaner.backoff.ms", .long, "15000", broker: "log.cleaner.backoff.ms", .intRange(0, Int64.max),
              doc: "The amount of time to sleep when there are no logs to clean."),
        .init("log.cleaner.dedupe.buffer.size", .long, "134217728", broker: "log.cleaner.dedupe.buffer.size",
              .intRange(24 * 16, Int64.max), doc: "The total memory used for log deduplication (24 bytes a key)."),
        .init("leader.replication.throttled.rate", .long, String(Int64.max), broker: "leader.replication.throttled.rate",
              .intRange(0, Int64.max),
              doc: "Bytes/s a leader sends to the out-of-sync replicas its topics throttle (leader.replication.throttled.replicas)."),
        .init("follower.replication.throttled.rate", .long, String(Int64.max), broker: "follower.replication.throttled.rate",
              .intRange(0, Int64.max),
              doc: "Bytes/s a follower copies for the out-of-sync replicas its topics throttle (follower.replication.throttled.replicas)."),
    ]

    /// The definition of a broker setting that may change at runtime, nil for any other name.
    static func definition(for key: String) -> ConfigDefinition? {
        TopicConfigCatalog.definitions.first { $0.brokerSynonym == key } ?? brokerOnly.first { $0.name == key }
    }
}
