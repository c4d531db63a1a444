import BrookStorage

extension ClusterMember {
    /// This node, as leader of `partition`, changes its ISR (Kafka's AlterPartition, done as a
    /// compare-and-swap on the partition's record, cluster-design.md): the request is checked by
    /// the controller's own rules (`ControllerState.alterPartition`) against this node's view,
    /// then written only if the record is still the one the view holds. Returns the new record
    /// (the delegate also hears of it through `isrChanged`).
    ///
    /// Throws `ClusterMemberError.refused` (FENCED_LEADER_EPOCH, INVALID_UPDATE_VERSION,
    /// INELIGIBLE_REPLICA, ...) and `MetadataStoreError.versionConflict` when the record changed
    /// meanwhile (the caller waits for the news and decides again). A change that would move
    /// leadership (this broker is shutting down) is the controller's: refused with NEW_LEADER_ELECTED.
    @discardableResult
    public func alterPartition(_ partition: TopicPartition, leaderEpoch: Int32, partitionEpoch: Int32, newIsr: [Int32],
                               memberIncarnations: [Int32: Int64] = [:]) async throws -> PartitionLeadershipState {
        await step.enter()
        defer { step.leave() }
        guard keeper != nil, !stopped else { throw ClusterMemberError.notStarted }
        guard let stored = mirror.partitions[partition] else { throw ClusterMemberError.refused(.unknownTopicOrPartition) }
        var rules = ControllerState(snapshot: mirror.controllerSnapshot(defaultPolicy: configuration.defaultPolicy))
        let request = AlterPartitionRequest(brokerId: configuration.nodeId, brokerIncarnation: configuration.incarnation,
                                            partition: partition, leaderEpoch: leaderEpoch, partitionEpoch: partitionEpoch,
                                            newIsr: newIsr, memberIncarnations: memberIncarnations)
        let answer = rules.alterPartition(request)
        let next: PartitionLeadershipState
        switch answer.result {
        case .success(let state): next = state
        case .failure(let error): throw ClusterMemberError.refused(error)
        }
        guard next != stored.value else { return next }
        try await clusterState.alterPartitionAsLeader(next, topic: partition.topic, index: partition.partition,
                                                      expectedVersion: stored.version)
        return next
    }
}
