extension ControllerState {
    /// A leader's ISR change (Kafka's AlterPartition). Checked in Kafka's controller order: the
    /// partition, the sender's incarnation, the leader epoch, the sender being the leader, the
    /// partition epoch, the ISR's shape, then each member's eligibility. Answers the partition's
    /// record as it stands afterwards. If the leader is shutting down, the change is applied and
    /// leadership moves to another member: NEW_LEADER_ELECTED, with the writes to perform.
    public mutating func alterPartition(_ request: AlterPartitionRequest) -> ControllerAnswer<PartitionLeadershipState> {
        let partition = request.partition
        guard let current = snapshot.partitions[partition], let assignment = snapshot.assignment(partition) else {
            return .failure(.unknownTopicOrPartition)
        }
        if let incarnation = request.brokerIncarnation,
           snapshot.liveBrokers[request.brokerId]?.incarnation != incarnation {
            return .failure(.staleBrokerEpoch)
        }
        guard request.leaderEpoch == current.leaderEpoch else { return .failure(.fencedLeaderEpoch) }
        guard request.brokerId == current.leader else {
            return .failure(.invalidRequest("Broker \(request.brokerId) is not the leader of \(partition)."))
        }
        guard request.partitionEpoch == current.partitionEpoch else { return .failure(.invalidUpdateVersion) }
        if let error = checkShape(request.newIsr, replicas: assignment.replicas, leader: current.leader) {
            return .failure(error)
        }
        for member in request.newIsr {
            guard snapshot.isEligible(member) || (member == current.leader && snapshot.liveBrokers[member] != nil) else {
                return .failure(.ineligibleReplica(member))
            }
            if let seen = request.memberIncarnations[member], snapshot.liveBrokers[member]?.incarnation != seen {
                return .failure(.ineligibleReplica(member))
            }
        }
        let effects = change(partition) { change, snapshot in
            change.replaceIsr(request.newIsr)
            // A leader in controlled shutdown hands over (and leaves the ISR) as soon as another
            // member can take it; until then it keeps leading.
            guard snapshot.shuttingDown.contains(current.leader) else { return }
            var handover = change
            handover.removeFromIsr(current.leader)
            handover.electIfNeeded(snapshot, allowUnclean: false)
            if !handover.state.isOffline { change = handover }
        }
        let after = snapshot.partitions[partition] ?? current
        if after.leader != current.leader {
            return ControllerAnswer(effects: effects, result: .failure(.newLeaderElected))
        }
        return ControllerAnswer(effects: effects, result: .success(after))
    }

    /// The proposed ISR: non-empty, no duplicates, only assigned replicas, the leader included.
    private func checkShape(_ isr: [Int32], replicas: [Int32], leader: Int32) -> ControllerError? {
        if isr.isEmpty || Set(isr).count != isr.count {
            return .invalidRequest("The proposed ISR \(isr) is empty or names a replica twice.")
        }
        if let stranger = isr.first(where: { !replicas.contains($0) }) {
            return .invalidRequest("The proposed ISR includes broker \(stranger), which is not a replica.")
        }
        if !isr.contains(leader) {
            return .invalidRequest("The proposed ISR \(isr) does not include the leader \(leader).")
        }
        return nil
    }
}
