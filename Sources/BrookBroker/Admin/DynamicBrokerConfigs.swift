import NIOConcurrencyHelpers

/// Broker-level defaults of topic configs changed at runtime, per broker (resource name = the node
/// id, DYNAMIC_BROKER_CONFIG) or cluster-wide (empty resource name, DYNAMIC_DEFAULT_BROKER_CONFIG).
/// The per-broker value wins. Stored as `broker.<name>` / `default.<name>` keys.
final class DynamicBrokerConfigs: Sendable {
    enum Scope: String, Sendable {
        case broker
        case clusterDefault = "default"

        var source: ConfigSource { self == .broker ? .dynamicBroker : .dynamicDefaultBroker }
    }

    private let stored = NIOLockedValueBox<(values: [String: String], generation: Int)>(([:], 0))

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
        let prefix = scope.rawValue + "."
        var out: [String: String] = [:]
        for (key, value) in all where key.hasPrefix(prefix) { out[String(key.dropFirst(prefix.count))] = value }
        return out
    }

    /// All stored keys after replacing one scope's values (not applied).
    func replacing(_ scope: Scope, with values: [String: String]) -> [String: String] {
        var result = all.filter { !$0.key.hasPrefix(scope.rawValue + ".") }
        for (key, value) in values { result[scope.rawValue + "." + key] = value }
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
