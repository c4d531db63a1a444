import BrookStorage

extension ControllerState {
    /// Decides again for one partition from its record as stored (after a failed CAS, on taking
    /// over as controller, or for a new topic): members that may not be in the ISR leave it, a
    /// partition whose leader may not lead gets one by the usual election, and a reassignment whose
    /// target replicas are all in sync completes.
    mutating func reconcile(_ partition: TopicPartition) -> [ControllerEffect] {
        let effects = change(partition) { change, snapshot in
            for member in change.state.isr where !snapshot.isEligible(member) {
                change.removeFromIsr(member)
            }
            change.electIfNeeded(snapshot, allowUnclean: change.policy.uncleanLeaderElection)
        }
        return effects + completeReassignmentIfReady(partition)
    }

    /// `reconcile` for every partition, in stable order.
    mutating func reconcileAll() -> [ControllerEffect] {
        snapshot.sortedPartitions.flatMap { reconcile($0) }
    }
}
