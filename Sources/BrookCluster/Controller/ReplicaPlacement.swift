/// Chooses the brokers of new partitions: leaders (first replicas) and replicas spread evenly over
/// the live brokers, counting the load they already carry, and rack-aware when every broker has a
/// rack (a partition's replicas go to distinct racks while racks remain, as Kafka's rack-aware
/// assignment does). Deterministic: ties are broken by rotating from `startIndex` + the partition's
/// position, so the caller picks the rotation (Kafka starts from a random broker; tests pass one).
public struct ReplicaPlacement: Sendable {
    /// Candidate brokers, sorted by id.
    public let brokers: [BrokerRegistration]
    private var leaderLoad: [Int32: Int] = [:]
    private var replicaLoad: [Int32: Int] = [:]
    private let rackAware: Bool

    /// `existing`: every assignment already in the cluster, whose load placement continues from.
    public init(brokers: [BrokerRegistration], existing: [PartitionAssignment] = []) {
        self.brokers = brokers.sorted { $0.id < $1.id }
        self.rackAware = !brokers.isEmpty && brokers.allSatisfy { $0.rack != nil }
        let ids = Set(brokers.map(\.id))
        for assignment in existing {
            if let leader = assignment.preferredLeader, ids.contains(leader) { leaderLoad[leader, default: 0] += 1 }
            for replica in assignment.replicas where ids.contains(replica) { replicaLoad[replica, default: 0] += 1 }
        }
    }

    /// Whether placement spreads replicas over racks (every candidate broker has one).
    public var isRackAware: Bool { rackAware }

    /// Places `partitions` new partitions of `replicationFactor` replicas each; the load they add
    /// counts for the next call.
    public mutating func place(partitions: Int, replicationFactor: Int,
                               startIndex: Int) -> Result<[PartitionAssignment], ControllerError> {
        guard partitions > 0 else { return .failure(.invalidPartitions("Number of partitions must be larger than 0.")) }
        guard replicationFactor > 0 else {
            return .failure(.invalidReplicationFactor("Replication factor must be larger than 0."))
        }
        let count = brokers.count
        guard replicationFactor <= count else {
            return .failure(.invalidReplicationFactor(
                "Replication factor: \(replicationFactor) larger than available brokers: \(count)."))
        }
        let start = ((startIndex % count) + count) % count
        var placed: [PartitionAssignment] = []
        placed.reserveCapacity(partitions)
        for index in 0..<partitions {
            placed.append(placeOne(index: index, replicationFactor: replicationFactor, start: start))
        }
        return .success(placed)
    }

    private mutating func placeOne(index: Int, replicationFactor: Int, start: Int) -> PartitionAssignment {
        let count = brokers.count
        let leaderPosition = leastLoaded(rotation(from: (start + index) % count)) { candidate in
            (leaderLoad[candidate.id, default: 0], replicaLoad[candidate.id, default: 0])
        }
        var chosen = [brokers[leaderPosition].id]
        var racksUsed: [String: Int] = [:]
        if let rack = brokers[leaderPosition].rack { racksUsed[rack] = 1 }
        // Shifting the followers' rotation once per round over the brokers varies the leader's
        // companions when loads tie (Kafka's "replica shift"), so a lost broker's partitions
        // fall to several others rather than one.
        let shift = count > 1 ? (index / count) % (count - 1) : 0
        let followerOrder = rotation(from: (leaderPosition + 1 + shift) % count)
        for _ in 1..<replicationFactor {
            var candidates = followerOrder.filter { !chosen.contains(brokers[$0].id) }
            if rackAware {
                let fewest = candidates.map { racksUsed[brokers[$0].rack ?? "", default: 0] }.min() ?? 0
                candidates = candidates.filter { racksUsed[brokers[$0].rack ?? "", default: 0] == fewest }
            }
            let position = leastLoaded(candidates) { candidate in (replicaLoad[candidate.id, default: 0], 0) }
            chosen.append(brokers[position].id)
            if let rack = brokers[position].rack { racksUsed[rack, default: 0] += 1 }
        }
        leaderLoad[chosen[0], default: 0] += 1
        for replica in chosen { replicaLoad[replica, default: 0] += 1 }
        return PartitionAssignment(replicas: chosen)
    }

    /// Broker positions starting at `first`, wrapping around.
    private func rotation(from first: Int) -> [Int] {
        (0..<brokers.count).map { (first + $0) % brokers.count }
    }

    /// The first position in `order` with the smallest load.
    private func leastLoaded(_ order: [Int], load: (BrokerRegistration) -> (Int, Int)) -> Int {
        var best = order[0]
        var bestLoad = load(brokers[best])
        for position in order.dropFirst() {
            let candidateLoad = load(brokers[position])
            if candidateLoad < bestLoad {
                best = position
                bestLoad = candidateLoad
            }
        }
        return best
    }
}
