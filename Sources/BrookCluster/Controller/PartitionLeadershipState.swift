/// One partition's leadership record (`/brook/partitions/<topic>/<index>`), with Kafka KIP-966's
/// names. Changed only by the controller's decisions or a leader's ISR change, each a CAS that
/// expects the previous `partitionEpoch`.
///
/// - `leader` is -1 while the partition is offline; otherwise it is a member of `isr`.
/// - `isr` is never empty: when its last member dies it stays (Kafka keeps the last member), so the
///   partition is offline until that member or an ELR member returns.
/// - `elr` (eligible leader replicas): replicas that left the ISR while it was smaller than
///   `min.insync.replicas`. No acks=all write could complete without them since, so each holds every
///   acknowledged record and may lead when no ISR member can.
/// - `lastKnownElr`: ELR members dropped because they restarted after a crash; they may have lost
///   a tail, so only an unclean election uses them (preferring them over other replicas).
/// - `addingReplicas` / `removingReplicas`: a reassignment in flight (KIP-455, Kafka's names); the
///   topic record's replica list then holds the target plus the replicas being removed. Both are
///   stored only while non-empty, so a new controller resumes the reassignment from this record.
public struct PartitionLeadershipState: Sendable, Hashable, Codable {
    public static let noLeader: Int32 = -1

    public var leader: Int32
    /// Bumped on every leader change (KIP-101/320 fencing of old leaders and stale clients).
    public var leaderEpoch: Int32
    public var isr: [Int32]
    /// Bumped on every change of this record (the CAS guard).
    public var partitionEpoch: Int32
    public var elr: [Int32]
    public var lastKnownElr: [Int32]
    /// Target replicas a reassignment adds (not yet all in the ISR).
    public var addingReplicas: [Int32]
    /// Current replicas a reassignment removes once every target replica is in sync.
    public var removingReplicas: [Int32]

    public init(leader: Int32, leaderEpoch: Int32, isr: [Int32], partitionEpoch: Int32, elr: [Int32] = [],
                lastKnownElr: [Int32] = [], addingReplicas: [Int32] = [], removingReplicas: [Int32] = []) {
        self.leader = leader
        self.leaderEpoch = leaderEpoch
        self.isr = isr
        self.partitionEpoch = partitionEpoch
        self.elr = elr
        self.lastKnownElr = lastKnownElr
        self.addingReplicas = addingReplicas
        self.removingReplicas = removingReplicas
    }

    /// Whether a reassignment is in flight.
    public var isReassigning: Bool { !addingReplicas.isEmpty || !removingReplicas.isEmpty }

    public var isOffline: Bool { leader == Self.noLeader }

    private enum CodingKeys: String, CodingKey {
        case leader, leaderEpoch, isr, partitionEpoch, elr, lastKnownElr, addingReplicas, removingReplicas
    }

    /// Reads the etcd record; `elr`, `lastKnownElr` and the reassignment's lists may be absent (empty).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        leader = try container.decode(Int32.self, forKey: .leader)
        leaderEpoch = try container.decode(Int32.self, forKey: .leaderEpoch)
        isr = try container.decode([Int32].self, forKey: .isr)
        partitionEpoch = try container.decode(Int32.self, forKey: .partitionEpoch)
        elr = try container.decodeIfPresent([Int32].self, forKey: .elr) ?? []
        lastKnownElr = try container.decodeIfPresent([Int32].self, forKey: .lastKnownElr) ?? []
        addingReplicas = try container.decodeIfPresent([Int32].self, forKey: .addingReplicas) ?? []
        removingReplicas = try container.decodeIfPresent([Int32].self, forKey: .removingReplicas) ?? []
    }

    /// Writes the etcd record; the reassignment's lists only while one is in flight.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(leader, forKey: .leader)
        try container.encode(leaderEpoch, forKey: .leaderEpoch)
        try container.encode(isr, forKey: .isr)
        try container.encode(partitionEpoch, forKey: .partitionEpoch)
        try container.encode(elr, forKey: .elr)
        try container.encode(lastKnownElr, forKey: .lastKnownElr)
        if !addingReplicas.isEmpty { try container.encode(addingReplicas, forKey: .addingReplicas) }
        if !removingReplicas.isEmpty { try container.encode(removingReplicas, forKey: .removingReplicas) }
    }
}
