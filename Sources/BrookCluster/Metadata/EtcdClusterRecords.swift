/// `/partitions/<topic>/<index>`: who leads a partition and who is in sync (KIP-966 names). Changes
/// only by compare-and-swap; `partitionEpoch` grows on every change, `leaderEpoch` on every leader change.
public struct EtcdPartitionState: Codable, Sendable, Hashable {
    /// -1 when the partition has no leader.
    public var leader: Int32
    public var leaderEpoch: Int32
    public var isr: [Int32]
    public var partitionEpoch: Int32
    /// Eligible leader replicas (KIP-966).
    public var elr: [Int32]
    public var lastKnownElr: [Int32]

    public init(leader: Int32, leaderEpoch: Int32, isr: [Int32], partitionEpoch: Int32,
                elr: [Int32] = [], lastKnownElr: [Int32] = []) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.partitionEpoch = partitionEpoch
        self.elr = elr
        self.lastKnownElr = lastKnownElr
    }

    /// A new partition's state: the preferred replica leads, every replica is in sync, epochs 0
    /// (what Kafka's controller writes for a partition whose replicas are all alive).
    public static func initial(replicas: [Int32]) -> EtcdPartitionState {
        EtcdPartitionState(leader: replicas.first ?? -1, leaderEpoch: 0, isr: replicas, partitionEpoch: 0)
    }

    private enum CodingKeys: String, CodingKey { case leader, leaderEpoch, isr, partitionEpoch, elr, lastKnownElr }

    /// `elr` and `lastKnownElr` may be missing (written before KIP-966 support).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        leader = try c.decode(Int32.self, forKey: .leader)
        leaderEpoch = try c.decode(Int32.self, forKey: .leaderEpoch)
        isr = try c.decode([Int32].self, forKey: .isr)
        partitionEpoch = try c.decode(Int32.self, forKey: .partitionEpoch)
        elr = try c.decodeIfPresent([Int32].self, forKey: .elr) ?? []
        lastKnownElr = try c.decodeIfPresent([Int32].self, forKey: .lastKnownElr) ?? []
    }
}

/// `/brokers/<id>`: a live broker, put under its lease (the key vanishes when the broker does).
/// `incarnation` tells a restarted broker from its previous life.
public struct EtcdBrokerRegistration: Codable, Sendable, Hashable {
    public var id: Int32
    public var host: String
    public var port: Int32
    public var rack: String?
    public var incarnation: String

    public init(id: Int32, host: String, port: Int32, rack: String? = nil, incarnation: String) {
        self.id = id
        self.host = host
        self.port = port
        self.rack = rack
        self.incarnation = incarnation
    }
}

/// `/controller`: the elected controller and the `controller_epoch` it claimed, under its lease.
public struct EtcdControllerClaim: Codable, Sendable, Hashable {
    public var brokerId: Int32
    public var epoch: Int64

    public init(brokerId: Int32, epoch: Int64) {
        self.brokerId = brokerId
        self.epoch = epoch
    }
}
