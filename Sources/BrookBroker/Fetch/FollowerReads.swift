import BrookCluster
import BrookProtocol

/// Follower fetching (KIP-392) for one consumer Fetch: whether a follower may serve it (Fetch v11+
/// carries the client's metadata, as Kafka requires), and, on the leader, the replica selector that
/// may send the consumer to a follower in its rack (`replica.selector.class`).
struct FollowerReads: Sendable {
    let servesFromFollower: Bool
    private let clientRack: String
    private let rackAware: Bool
    private let racks: [Int32: String]
    private let replicaLagTimeMaxMs: Int64
    private let clock: @Sendable () -> Int64

    init(request: FetchRequest, version: Int16, broker: Broker) {
        servesFromFollower = version >= 11
        clientRack = version >= 11 ? request.rackId : ""
        rackAware = broker.config.replicaSelector == .rackAware
        var racks: [Int32: String] = [:]
        if rackAware && !clientRack.isEmpty {
            for endpoint in broker.clusterView.brokers { racks[endpoint.nodeId] = endpoint.rack }
            racks[broker.config.nodeId] = broker.config.rack
        }
        self.racks = racks
        replicaLagTimeMaxMs = broker.config.replicaLagTimeMaxMs
        clock = broker.clock
    }

    /// The leader's choice for a fetch at `fetchOffset`, or nil when no selector applies.
    func selector(fetchOffset: Int64) -> (@Sendable (PartitionReplicaState) -> Int32?)? {
        guard rackAware, !clientRack.isEmpty else { return nil }
        let (rack, racks, lag, now) = (clientRack, self.racks, replicaLagTimeMaxMs, clock())
        return { state in
            ReadReplicaSelector.preferredFollower(state, clientRack: rack, fetchOffset: fetchOffset, now: now,
                                                  replicaLagTimeMaxMs: lag, rackOf: { racks[$0] })
        }
    }
}
