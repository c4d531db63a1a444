/// The broker's own settings as DescribeConfigs reports them for a BROKER resource.
struct BrokerConfigEntry: Sendable {
    let name: String
    let value: String?
    let kind: ConfigDefinition.Kind
    let readOnly: Bool
    let isDefault: Bool
    let source: ConfigSource
    let documentation: String
}

extension BrokerConfig {
    /// Every broker setting Brook knows, with its current value; topic-config fallbacks included.
    func describedEntries(resolver: TopicConfigResolver) -> [BrokerConfigEntry] {
        func entry(_ name: String, _ value: String?, _ defaultValue: String?, _ kind: ConfigDefinition.Kind,
                   readOnly: Bool, _ doc: String, source: ConfigSource? = nil) -> BrokerConfigEntry {
            let isDefault = source == nil && value == defaultValue
            return BrokerConfigEntry(name: name, value: value, kind: kind, readOnly: readOnly, isDefault: isDefault,
                                     source: source ?? (isDefault ? .default : .staticBroker), documentation: doc)
        }
        let advertised = self.advertised
        var entries: [BrokerConfigEntry] = [
            entry("node.id", String(nodeId), "0", .int, readOnly: true, "This broker's id."),
            entry("broker.id", String(nodeId), "0", .int, readOnly: true, "This broker's id."),
            entry("log.dirs", dataDir, nil, .list, readOnly: true, "The directory holding the log data."),
            entry("listeners", "PLAINTEXT://\(listenHost):\(listenPort)", nil, .list, readOnly: false,
                  "Listener the broker binds."),
            entry("advertised.listeners", "PLAINTEXT://\(advertised.host):\(advertised.port)", nil, .list,
                  readOnly: false, "Listener given to clients."),
            entry("auto.create.topics.enable", String(autoCreateTopics), "true", .boolean, readOnly: true,
                  "Whether topics are created on first use."),
            entry("num.partitions", String(numPartitions), "1", .int, readOnly: false, "Default partition count."),
            entry("default.replication.factor", String(defaultReplicationFactor), "1", .int, readOnly: true,
                  "Default replication factor."),
            entry("socket.request.max.bytes", String(socketRequestMaxBytes), "104857600", .int, readOnly: true,
                  "Largest request accepted."),
            entry("log.retention.check.interval.ms", String(retentionCheckIntervalMs), "300000", .long, readOnly: true,
                  "How often retention is applied."),
            entry("log.flush.scheduler.interval.ms", String(flushSchedulerIntervalMs), String(Int64.max), .long,
                  readOnly: true, "How often the time-based flush policy is checked."),
            entry("log.flush.offset.checkpoint.interval.ms", String(logFlushOffsetCheckpointIntervalMs), "60000", .int,
                  readOnly: true, "How often the recovery points are written to disk."),
        ]
        var seen = Set(entries.map(\.name))
        for definition in TopicConfigCatalog.definitions + DynamicBrokerSettings.brokerOnly {
            guard let name = definition.brokerSynonym, seen.insert(name).inserted else { continue }
            let setting = resolver.brokerSetting(for: definition)
            let value = setting?.value ?? definition.defaultValue
            entries.append(entry(name, value, definition.defaultValue, definition.kind, readOnly: false,
                                 definition.documentation, source: setting?.source))
        }
        return entries.sorted { $0.name < $1.name }
    }
}
