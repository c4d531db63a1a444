import BrookProtocol
import NIOConcurrencyHelpers

/// A topic known to this broker: its id, partition count, the partitions this node holds a replica
/// of, and topic-level config overrides.
///
/// In a cluster a broker holds only some partitions of a topic (those whose replica list names it),
/// or none, yet knows every topic: `partitionCount` is the topic's size, `partitions` the hosted
/// ones. A single node hosts every partition. Partitions can be added (CreatePartitions) and configs
/// replaced (AlterConfigs) while the topic is in use; both are read under a lock and replaced wholesale.
public final class Topic: Sendable {
    private struct State {
        var partitionCount: Int32
        /// The hosted partitions, in index order.
        var partitions: [Partition]
        /// The hosted partitions by index (a single node: every index below the count).
        var byIndex: [Int32: Partition]
        var configs: [String: String]
        /// Bumped by every `replaceConfigs`, so a policy resolved from older configs is not reused.
        var configsVersion = 0
        var producePolicy: (configsVersion: Int, brokerGeneration: Int, policy: ProducePolicy)?

        init(partitionCount: Int32, hosted: [Partition], configs: [String: String]) {
            self.partitionCount = partitionCount
            self.partitions = []
            self.byIndex = [:]
            self.configs = configs
            add(hosted)
        }

        mutating func add(_ hosted: [Partition]) {
            for partition in hosted { byIndex[partition.topicPartition.partition] = partition }
            partitions = byIndex.values.sorted { $0.topicPartition.partition < $1.topicPartition.partition }
        }

        mutating func remove(_ indices: [Int32]) -> [Partition] {
            let removed = indices.compactMap { byIndex.removeValue(forKey: $0) }
            partitions = byIndex.values.sorted { $0.topicPartition.partition < $1.topicPartition.partition }
            return removed
        }
    }

    public let name: String
    public let id: KafkaUUID
    private let state: NIOLockedValueBox<State>
    public var isInternal: Bool { name.hasPrefix("__") }

    /// A topic of `partitionCount` partitions of which this node hosts `hosted` (each knows its index).
    init(name: String, id: KafkaUUID, partitionCount: Int32, hosted: [Partition], configs: [String: String]) {
        self.name = name
        self.id = id
        self.state = NIOLockedValueBox(State(partitionCount: partitionCount, hosted: hosted, configs: configs))
    }

    /// A topic hosted entirely here: `partitions[i]` is partition `i`.
    convenience init(name: String, id: KafkaUUID, partitions: [Partition], configs: [String: String]) {
        self.init(name: name, id: id, partitionCount: Int32(partitions.count), hosted: partitions, configs: configs)
    }

    /// How many partitions the topic has, hosted here or not.
    public var partitionCount: Int32 { state.withLockedValue { $0.partitionCount } }
    /// The partitions this node holds a replica of, in index order (a single node: all of them).
    /// Not indexed by partition: look one up with `partition(_:)`.
    public var partitions: [Partition] { state.withLockedValue { $0.partitions } }
    /// Topic-level overrides (only keys set on the topic; defaults come from the broker).
    public var configs: [String: String] { state.withLockedValue { $0.configs } }

    /// Grows the topic to `count` partitions, of which `hosted` (possibly none) are held here.
    func grow(to count: Int32, hosting hosted: [Partition]) {
        state.withLockedValue {
            $0.partitionCount = max($0.partitionCount, count)
            $0.add(hosted)
        }
    }

    /// Starts hosting `added`: replicas a reassignment assigned to this node.
    func host(_ added: [Partition]) {
        state.withLockedValue { $0.add(added) }
    }

    /// Stops hosting partitions `indices` (reassigned away) and returns those that were hosted.
    func unhost(_ indices: [Int32]) -> [Partition] {
        state.withLockedValue { $0.remove(indices) }
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

    /// Partition `index` when this node hosts it; nil when it is elsewhere or beyond the count
    /// (`absentPartitionError` tells which).
    public func partition(_ index: Int32) -> Partition? {
        state.withLockedValue { $0.byIndex[index] }
    }

    /// Whether the topic has partition `index`, hosted here or not.
    public func hasPartition(_ index: Int32) -> Bool {
        index >= 0 && index < partitionCount
    }

    /// The error for a request naming partition `index` of `topic` when `topic?.partition(index)` is
    /// nil: NOT_LEADER_OR_FOLLOWER for a partition of a known topic whose replicas are on other
    /// brokers (clients refresh metadata and go to the leader), UNKNOWN_TOPIC_OR_PARTITION for an
    /// unknown topic or an index beyond its count — as Kafka's `ReplicaManager.getPartitionOrError`
    /// answers for a partition it does not host, by whether its metadata cache knows it.
    static func absentPartitionError(_ topic: Topic?, _ index: Int32) -> ErrorCode {
        topic?.hasPartition(index) == true ? .notLeaderOrFollower : .unknownTopicOrPartition
    }
}
