import BrookProtocol
import NIOConcurrencyHelpers

/// A topic on this broker: its id, partitions and topic-level config overrides.
///
/// Partitions can be added (CreatePartitions) and configs replaced (AlterConfigs) while the topic
/// is in use; both are read under a lock and replaced wholesale.
public final class Topic: Sendable {
    private struct State {
        var partitions: [Partition]
        var configs: [String: String]
        /// Bumped by every `replaceConfigs`, so a policy resolved from older configs is not reused.
        var configsVersion = 0
        var producePolicy: (configsVersion: Int, brokerGeneration: Int, policy: ProducePolicy)?
    }

    public let name: String
    public let id: KafkaUUID
    private let state: NIOLockedValueBox<State>
    public var isInternal: Bool { name.hasPrefix("__") }

    init(name: String, id: KafkaUUID, partitions: [Partition], configs: [String: String]) {
        self.name = name
        self.id = id
        self.state = NIOLockedValueBox(State(partitions: partitions, configs: configs))
    }

    public var partitions: [Partition] { state.withLockedValue { $0.partitions } }
    /// Topic-level overrides (only keys set on the topic; defaults come from the broker).
    public var configs: [String: String] { state.withLockedValue { $0.configs } }

    func appendPartitions(_ added: [Partition]) {
        state.withLockedValue { $0.partitions += added }
    }

    func replaceConfigs(_ configs: [String: String]) {
        state.withLockedValue {
            $0.configs = configs
            $0.configsVersion += 1
            $0.producePolicy = nil
        }
    }

    /// What a produce to this topic must satisfy, resolved once per change of the topic's configs
    /// or of the broker's runtime settings (`brokerGeneration`) rather than on every request:
    /// resolving takes a dozen string lookups and parses, a visible share of a small produce's cost.
    func producePolicy(brokerGeneration: Int, resolve: ([String: String]) -> ProducePolicy) -> ProducePolicy {
        let (configs, version, cached) = state.withLockedValue { ($0.configs, $0.configsVersion, $0.producePolicy) }
        if let cached, cached.configsVersion == version, cached.brokerGeneration == brokerGeneration {
            return cached.policy
        }
        let policy = resolve(configs)
        state.withLockedValue {
            // Kept only if the configs did not change meanwhile; a later caller resolves again otherwise.
            if $0.configsVersion == version { $0.producePolicy = (version, brokerGeneration, policy) }
        }
        return policy
    }

    public func partition(_ index: Int32) -> Partition? {
        let all = partitions
        return index >= 0 && Int(index) < all.count ? all[Int(index)] : nil
    }
}
