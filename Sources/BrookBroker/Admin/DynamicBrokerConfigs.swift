import NIOConcurrencyHelpers

/// Broker-level defaults of topic configs changed at runtime, per broker (resource name = the node
/// id, DYNAMIC_BROKER_CONFIG) or cluster-wide (empty resource name, DYNAMIC_DEFAULT_BROKER_CONFIG).
/// The per-broker value wins. Stored as `default.<name>` keys, and per broker as `broker.<name>` on
/// a single node or `broker.<node id>.<name>` in a cluster, where every broker stores into the same
/// map (one etcd key) and must find only its own settings there.
final class DynamicBrokerConfigs: Sendable {
    enum Scope: String, Sendable {
        case broker
        case clusterDefault = "default"

        var source: ConfigSource { self == .broker ? .dynamicBroker : .dynamicDefaultBroker }
    }

    private let stored = NIOLockedValueBox<(values: [String: String], generation: Int)>(([:], 0))
    /// The prefix of this broker's own keys.
    private let brokerPrefix: String

    /// `nodeId`: set in a cluster (keys of other brokers are then ignored), nil on a single node.
    init(nodeId: Int32? = nil) {
        brokerPrefix = nodeId.map { "broker.\($0)." } ?? "broker."
    }

    private func prefix(_ scope: Scope) -> String {
        scope == .broker ? brokerPrefix : scope.rawValue + "."
    }

    /// Every stored key (with its scope prefix), for persistence.
    var all: [String: String] { stored.withLockedValue { $0.values } }

    /// Changes with every `load`: what was resolved from older settings must be resolved again.
    var generation: Int { stored.withLockedValue { $0.generation } }

    func load(_ values: [String: String]) {
        stored.withLockedValue {
            $0.values = values
            $0.generation += 1
        }
    }

    /// The values of one scope, without the prefix.
    func values(_ scope: Scope) -> [String: String] {
        let prefix = prefix(scope)
        var out: [String: String] = [:]
        for (key, value) in all where key.hasPrefix(prefix) { out[String(key.dropFirst(prefix.count))] = value }
        return out
    }

    /// All stored keys after replacing one scope's values (not applied).
    func replacing(_ scope: Scope, with values: [String: String]) -> [String: String] {
        let prefix = prefix(scope)
        var result = all.filter { !$0.key.hasPrefix(prefix) }
        for (key, value) in values { result[prefix + key] = value }
        return result
    }

    /// Broker property name → value in force and its source.
    var effective: [String: (value: String, source: ConfigSource)] {
        var out: [String: (value: String, source: ConfigSource)] = [:]
        for (key, value) in values(.clusterDefault) { out[key] = (value, Scope.clusterDefault.source) }
        for (key, value) in values(.broker) { out[key] = (value, Scope.broker.source) }
        return out
    }
}
