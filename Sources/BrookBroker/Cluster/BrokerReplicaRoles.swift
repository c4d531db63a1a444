import BrookCluster
import BrookStorage
import Logging
import NIOCore

/// Carries out what this broker's `ClusterMember` decides about its replicas: leading (the
/// partition's replica state takes the epoch, replicas and ISR, and its fetcher stops), following
/// (the replica fetcher copies from the leader), fencing every leadership when the lease is lost, and
/// the routing view that Metadata and FindCoordinator answer from.
public final class BrokerReplicaRoles: ClusterMemberDelegate {
    private let broker: Broker

    public init(broker: Broker) {
        self.broker = broker
    }

    public func becomeLeader(_ tp: TopicPartition, leaderEpoch: Int32, isr: [Int32], replicas: [Int32],
                             partitionEpoch: Int32) async {
        guard let partition = partition(tp) else { return }
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
    }

    public func becomeFollower(_ tp: TopicPartition, leader: Int32, endpoint: BrokerEndpoint?, leaderEpoch: Int32) async {
        guard let partition = partition(tp) else { return }
        if let endpoint {
            await report("follow", tp) { try await broker.replicaFetchers.follow(tp, leader: endpoint, epoch: leaderEpoch).get() }
        } else {
            // No leader anywhere: stop copying and refuse clients until one is elected.
            await report("stop following", tp) { try await broker.replicaFetchers.stopFollowing(tp).get() }
            await stopLeading(partition, epoch: leaderEpoch)
        }
        broker.coordinatorRoleChanged(tp, leaderEpoch: nil)
    }

    public func isrChanged(_ tp: TopicPartition, isr: [Int32], partitionEpoch: Int32) async {
        guard let partition = partition(tp) else { return }
        await report("ISR change", tp) {
            try await partition.updateReplica { $0.isrUpdated(isr: isr, partitionEpoch: partitionEpoch) }.get()
        }
    }

    public func stopReplica(_ tp: TopicPartition) async {
        guard let partition = partition(tp) else { return }
        await report("stop following", tp) { try await broker.replicaFetchers.stopFollowing(tp).get() }
        await stopLeading(partition, epoch: partition.leaderEpoch)
        broker.coordinatorRoleChanged(tp, leaderEpoch: nil)
    }

    public func fenceLeaderships() async {
        for topic in broker.topics.allTopics {
            for partition in topic.partitions where partition.leadership.leader == broker.config.nodeId {
                await stopLeading(partition, epoch: partition.leaderEpoch)
                broker.coordinatorRoleChanged(partition.topicPartition, leaderEpoch: nil)
            }
        }
    }

    public func clusterViewChanged(_ view: ClusterView) async {
        broker.replaceClusterView(view)
    }

    // MARK: Helpers

    private func partition(_ tp: TopicPartition) -> Partition? {
        guard let partition = broker.topics.topic(named: tp.topic)?.partition(tp.partition) else {
            broker.logger.warning("a role for a partition this broker has not opened", metadata: ["brook.partition": "\(tp)"])
            return nil
        }
        return partition
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
