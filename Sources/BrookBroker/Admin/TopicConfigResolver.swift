import Foundation
import BrookStorage

/// Where a config value comes from, with Kafka's `ConfigSource` codes.
enum ConfigSource: Int8, Sendable {
    case topic = 1
    case dynamicBroker = 2
    case dynamicDefaultBroker = 3
    case staticBroker = 4
    case `default` = 5
}

/// Resolves a topic's effective configs: the topic's override, else the broker's setting, else Kafka's default.
struct TopicConfigResolver: Sendable {
    let broker: BrokerConfig
    /// Broker settings changed at runtime, by broker property name.
    var dynamic: [String: (value: String, source: ConfigSource)] = [:]

    init(broker: BrokerConfig, dynamic: [String: (value: String, source: ConfigSource)] = [:]) {
        self.broker = broker
        self.dynamic = dynamic
    }

    /// The broker's setting for a topic config when it is not Kafka's default: a runtime change, or server.properties.
    func brokerSetting(for definition: ConfigDefinition) -> (key: String, value: String, source: ConfigSource)? {
        guard let key = definition.brokerSynonym else { return nil }
        if let changed = dynamic[key] { return (key, changed.value, changed.source) }
        if let value = brokerValue(for: definition), value != definition.defaultValue { return (key, value, .staticBroker) }
        return nil
    }

    /// The broker's static value (server.properties) of a topic config's synonym.
    func brokerValue(for definition: ConfigDefinition) -> String? {
        guard let key = definition.brokerSynonym else { return nil }
        switch key {
        case "log.segment.bytes": return String(broker.segmentBytes)
        case "log.roll.ms": return String(broker.segmentMs)
        case "log.index.interval.bytes": return String(broker.indexIntervalBytes)
        case "log.index.size.max.bytes": return String(broker.segmentIndexBytes)
        case "log.flush.interval.messages": return String(broker.flushMessages)
        case "log.flush.interval.ms": return String(broker.flushMs)
        case "log.retention.ms": return String(broker.retentionMs)
        case "log.retention.bytes": return String(broker.retentionBytes)
        case "log.message.timestamp.type": return broker.messageTimestampType
        case "message.max.bytes": return String(broker.messageMaxBytes)
        case "log.cleaner.backoff.ms": return String(broker.cleanerBackoffMs)
        case "log.cleaner.dedupe.buffer.size": return String(broker.cleanerDedupeBufferSize)
        default: return broker.topicDefaults[key]
        }
    }

    /// The value in force and its source.
    func effective(_ name: String, overrides: [String: String]) -> (value: String?, source: ConfigSource) {
        if let value = overrides[name] { return (value, .topic) }
        guard let definition = TopicConfigCatalog.byName[name] else { return (nil, .default) }
        if let setting = brokerSetting(for: definition) { return (setting.value, setting.source) }
        return (definition.defaultValue, .default)
    }

    /// A broker-only setting that may change at runtime (`DynamicBrokerSettings.brokerOnly`): the
    /// runtime value, else server.properties, else Kafka's default.
    func brokerInt64(_ key: String) -> Int64? {
        guard let definition = DynamicBrokerSettings.definition(for: key) else { return nil }
        let text = dynamic[key]?.value ?? brokerValue(for: definition) ?? definition.defaultValue
        return text.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }

    func int64(_ name: String, _ overrides: [String: String]) -> Int64? {
        effective(name, overrides: overrides).value.flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// The storage settings of a partition of a topic with these overrides.
    func logConfig(overrides: [String: String]) -> LogConfig {
        var c = broker.logConfig
        if let v = int64("segment.bytes", overrides) { c.segmentBytes = Int(v) }
        if let v = int64("segment.ms", overrides) { c.segmentMs = v }
        if let v = int64("segment.index.bytes", overrides) { c.segmentIndexBytes = Int(v) }
        if let v = int64("index.interval.bytes", overrides) { c.indexIntervalBytes = Int(v) }
        if let v = int64("max.message.bytes", overrides) { c.maxMessageBytes = Int(v) }
        if let v = int64("flush.messages", overrides) { c.flushMessages = v }
        if let v = int64("flush.ms", overrides) { c.flushMs = v }
        if let v = int64("retention.ms", overrides) { c.retentionMs = v }
        if let v = int64("retention.bytes", overrides) { c.retentionBytes = v }
        if !cleanupPolicy(overrides).contains("delete") {
            c.retentionMs = -1
            c.retentionBytes = -1
        }
        return c
    }

    /// `cleanup.policy` as a set of "delete"/"compact".
    func cleanupPolicy(_ overrides: [String: String]) -> Set<String> {
        let text = effective("cleanup.policy", overrides: overrides).value ?? "delete"
        return Set(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// The compaction settings of a topic with these overrides.
    func cleanerConfig(overrides: [String: String]) -> CleanerConfig {
        var c = CleanerConfig()
        if let v = int64("delete.retention.ms", overrides) { c.deleteRetentionMs = v }
        if let v = int64("min.compaction.lag.ms", overrides) { c.minCompactionLagMs = v }
        if let v = int64("max.compaction.lag.ms", overrides) { c.maxCompactionLagMs = v }
        if let v = effective("min.cleanable.dirty.ratio", overrides: overrides).value.flatMap(Double.init) {
            c.minCleanableDirtyRatio = v
        }
        c.offsetMapSlots = Int(max(16, (brokerInt64("log.cleaner.dedupe.buffer.size") ?? broker.cleanerDedupeBufferSize) / 24))
        return c
    }
}
