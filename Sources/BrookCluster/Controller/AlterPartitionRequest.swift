import BrookStorage

/// A leader's request to change its partition's ISR (Kafka's AlterPartition), valid only against
/// the leader epoch and partition epoch it was based on.
public struct AlterPartitionRequest: Sendable, Hashable {
    /// The broker asking (it must be the leader).
    public var brokerId: Int32
    /// The asking broker's incarnation, when known: a request from an earlier run is stale.
    public var brokerIncarnation: Int64?
    public var partition: TopicPartition
    public var leaderEpoch: Int32
    public var partitionEpoch: Int32
    public var newIsr: [Int32]
    /// Per proposed member, the incarnation the leader saw it fetch with (KIP-903): a member that
    /// restarted since may have lost what it fetched and is refused.
    public var memberIncarnations: [Int32: Int64]

    public init(brokerId: Int32, brokerIncarnation: Int64? = nil, partition: TopicPartition, leaderEpoch: Int32,
                partitionEpoch: Int32, newIsr: [Int32], memberIncarnations: [Int32: Int64] = [:]) {
        self.brokerId = brokerId
        self.brokerIncarnation = brokerIncarnation
        self.partition = partition
        self.leaderEpoch = leaderEpoch
        self.partitionEpoch = partitionEpoch
        self.newIsr = newIsr
        self.memberIncarnations = memberIncarnations
    }
}
