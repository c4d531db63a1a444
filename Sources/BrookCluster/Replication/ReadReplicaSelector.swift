/// Which replica a consumer should fetch from (KIP-392), decided by the leader for a consumer that
/// told its rack (`client.rack`): Kafka's `RackAwareReplicaSelector`. The candidates are the leader
/// and the followers that hold the fetch offset and have been caught up within
/// `replica.lag.time.max.ms` (Kafka's `findPreferredReadReplica`); among those in the client's rack
/// the leader wins, then the follower with the highest log end. No candidate in the rack (or no
/// rack given): the leader. Returns the chosen follower, or nil when the leader should serve.
public enum ReadReplicaSelector {
    public static func preferredFollower(_ state: PartitionReplicaState, clientRack: String, fetchOffset: Int64,
                                         now: Int64, replicaLagTimeMaxMs: Int64,
                                         rackOf: (Int32) -> String?) -> Int32? {
        guard state.isLeader, !clientRack.isEmpty else { return nil }
        if rackOf(state.localReplica) == clientRack { return nil }
        var best: (id: Int32, logEnd: Int64)?
        for replica in state.leadership.replicas where replica != state.localReplica {
            guard rackOf(replica) == clientRack, let progress = state.followers[replica],
                  let logEnd = progress.logEndOffset, fetchOffset <= logEnd,
                  now - progress.lastCaughtUpTimeMs <= replicaLagTimeMaxMs else { continue }
            if best == nil || logEnd > best!.logEnd { best = (replica, logEnd) }
        }
        return best?.id
    }
}
