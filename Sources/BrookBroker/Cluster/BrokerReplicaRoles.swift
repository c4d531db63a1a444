import BrookCluster
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Carries out what this broker's `ClusterMember` decides about its replicas: leading (the
/// partition's replica state takes the epoch, replicas and ISR, and its fetcher stops), following
/// (the replica fetcher copies from the leader), fencing every leadership when the lease is lost, and
/// the routing view that Metadata and FindCoordinator answer from.
///
/// The member learns of a new topic from etcd at about the time the topic registry does, and the
/// registry opens the logs in the background: a role for a partition not open yet is kept (the
/// latest per partition) and carried out once it opens (`replayPending`, called after the registry
/// applied a change, and retried while any is waiting). Roles are carried out one at a time.
public final class BrokerReplicaRoles: ClusterMemberDelegate {
    /// The latest role announced for a partition.
    enum Role: Sendable {
        case leader(epoch: Int32, isr: [Int32], replicas: [Int32], partitionEpoch: Int32)
        case follower(leader: Int32, endpoint: BrokerEndpoint?, epoch: Int32)
    }

    private let broker: Broker
    private let turns = AsyncTurns()
    /// Roles of partitions not open here yet.
    private let pending = NIOLockedValueBox<[TopicPartition: Role]>([:])
    /// The retry loop running while roles are pending, if any.
    private let retry = NIOLockedValueBox<Task<Void, Never>?>(nil)

    public init(broker: Broker) {
        self.broker = broker
    }

    public func becomeLeader(_ tp: TopicPartition, leaderEpoch: Int32, isr: [Int32], replicas: [Int32],
                             partitionEpoch: Int32) async {
        await carryOut(tp, .leader(epoch: leaderEpoch, isr: isr, replicas: replicas, partitionEpoch: partitionEpoch))
    }

    public func becomeFollower(_ tp: TopicPartition, leader: Int32, endpoint: BrokerEndpoint?, leaderEpoch: Int32) async {
        await carryOut(tp, .follower(leader: leader, endpoint: endpoint, epoch: leaderEpoch))
    }

    public func isrChanged(_ tp: TopicPartition, isr: [Int32], partitionEpoch: Int32) async {
        await turns.run {
            guard let partition = partition(tp) else {
                // Not open yet: the pending leadership takes the new ISR.
                pending.withLockedValue { all in
                    if case .leader(let epoch, _, let replicas, _)? = all[tp] {
                        all[tp] = .leader(epoch: epoch, isr: isr, replicas: replicas, partitionEpoch: partitionEpoch)
                    }
                }
                return
            }
            await report("ISR change", tp) {
                try await partition.updateReplica { $0.isrUpdated(isr: isr, partitionEpoch: partitionEpoch) }.get()
            }
        }
    }

    public func stopReplica(_ tp: TopicPartition) async {
        await turns.run {
            pending.withLockedValue { $0[tp] = nil }
            // Also when the registry closed the partition first (reassigned away): the fetcher stops.
            await report("stop following", tp) { try await broker.replicaFetchers.stopFollowing(tp).get() }
            guard let partition = partition(tp) else {
                broker.coordinatorReplicaRemoved(tp)
                return
            }
            await stopLeading(partition, epoch: partition.leaderEpoch)
            broker.coordinatorRoleChanged(tp, leaderEpoch: nil)
        }
    }

    public func fenceLeaderships() async {
        await turns.run {
            // Roles are announced again once the member has registered anew.
            pending.withLockedValue { all in
                all = all.filter { if case .leader = $0.value { return false } else { return true } }
            }
            for topic in broker.topics.allTopics {
                for partition in topic.partitions where partition.leadership.leader == broker.config.nodeId {
                    await stopLeading(partition, epoch: partition.leaderEpoch)
                    broker.coordinatorRoleChanged(partition.topicPartition, leaderEpoch: nil)
                }
            }
        }
    }

    public func clusterViewChanged(_ view: ClusterView) async {
        broker.replaceClusterView(view)
    }

    /// Carries out the roles of partitions that have opened since they were announced.
    public func replayPending() async {
        await turns.run {
            let ready = pending.withLockedValue { all -> [(TopicPartition, Role, Partition)] in
                var ready: [(TopicPartition, Role, Partition)] = []
                for (tp, role) in all {
                    if let partition = partition(tp) {
                        ready.append((tp, role, partition))
                        all[tp] = nil
                    }
                }
                return ready
            }
            for (tp, role, partition) in ready {
                await apply(role, to: partition, tp)
            }
        }
    }

    /// Roles waiting for their partition to open, for tests and diagnostics.
    var pendingRoles: [TopicPartition] { pending.withLockedValue { Array($0.keys) } }

    // MARK: Carrying out

    private func carryOut(_ tp: TopicPartition, _ role: Role) async {
        await turns.run {
            guard let partition = partition(tp) else {
                pending.withLockedValue { $0[tp] = role }
                broker.logger.debug("role for a partition not open yet; kept until it opens", metadata: ["brook.partition": "\(tp)"])
                startRetrying()
                return
            }
            pending.withLockedValue { $0[tp] = nil }
            await apply(role, to: partition, tp)
        }
    }

    private func apply(_ role: Role, to partition: Partition, _ tp: TopicPartition) async {
        switch role {
        case .leader(let leaderEpoch, let isr, let replicas, let partitionEpoch):
            await report("stop following", tp) { try await broker.replicaFetchers.stopFollowing(tp).get() }
            let now = broker.clock()
            await report("become leader", tp) {
                try await partition.updateReplica { state in
                    // A stale announcement (a newer epoch is already applied) changes nothing.
                    (try? state.becameLeader(epoch: leaderEpoch, partitionEpoch: partitionEpoch, replicas: replicas,
                                             isr: isr, logEnd: state.logEndOffset, now: now).get()) ?? []
                }.get()
            }
            broker.coordinatorRoleChanged(tp, leaderEpoch: leaderEpoch)
        case .follower(_, let endpoint?, let leaderEpoch):
            await report("follow", tp) { try await broker.replicaFetchers.follow(tp, leader: endpoint, epoch: leaderEpoch).get() }
            broker.coordinatorRoleChanged(tp, leaderEpoch: nil)
        case .follower(_, nil, let leaderEpoch):
            // No leader anywhere: stop copying and refuse clients until one is elected.
            await report("stop following", tp) { try await broker.replicaFetchers.stopFollowing(tp).get() }
            await stopLeading(partition, epoch: leaderEpoch)
            broker.coordinatorRoleChanged(tp, leaderEpoch: nil)
        }
    }

    /// While roles are pending, replays them every 100 ms (partitions open from several paths:
    /// applied store changes, the internal topics' background opening).
    private func startRetrying() {
        retry.withLockedValue { task in
            guard task == nil else { return }
            task = Task { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(100))
                    guard let self else { return }
                    await self.replayPending()
                    let done = self.retry.withLockedValue { task -> Bool in
                        guard self.pending.withLockedValue({ $0.isEmpty }) else { return false }
                        task = nil
                        return true
                    }
                    if done { return }
                }
            }
        }
    }

    /// Stops the retry loop (the broker is shutting down).
    public func stop() {
        retry.withLockedValue { task in
            task?.cancel()
            task = nil
        }
    }

    // MARK: Helpers

    private func partition(_ tp: TopicPartition) -> Partition? {
        broker.topics.topic(named: tp.topic)?.partition(tp.partition)
    }

    /// Leaves the partition with no known leader at `epoch`: clients are refused (NOT_LEADER_OR_FOLLOWER).
    private func stopLeading(_ partition: Partition, epoch: Int32) async {
        await report("stop leading", partition.topicPartition) {
            try await partition.updateReplica { state in
                _ = state.becameFollower(leader: nil, epoch: epoch)
                return []
            }.get()
        }
    }

    private func report(_ what: String, _ tp: TopicPartition, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            broker.logger.warning("replica role change failed", metadata: [
                "brook.partition": "\(tp)", "brook.step": "\(what)", "brook.error": "\(error)"])
        }
    }
}
