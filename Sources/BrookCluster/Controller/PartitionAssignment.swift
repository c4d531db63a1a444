/// The brokers holding one partition's replicas, in preference order: the first is the preferred
/// leader (what preferred-leader election moves leadership back to).
public struct PartitionAssignment: Sendable, Hashable, Codable {
    public var replicas: [Int32]

    public init(replicas: [Int32]) {
        self.replicas = replicas
    }

    public var preferredLeader: Int32? { replicas.first }
}
