/// One pending change of a partition's leadership record, built by the controller's rules and
/// turned into a new record with its epochs bumped (or nothing, when the rules changed nothing).
///
/// The rules, in one place:
/// - The ISR never empties: when its last member is removed it stays (leader -1 if it cannot lead).
/// - A replica leaving the ISR joins the ELR when the remaining ISR is smaller than
///   `min.insync.replicas` (no acks=all write completes without it from then on). A member joining
///   the ISR leaves the ELR and the last known ELR; an ISR at or above `min.insync.replicas` clears
///   both (writes complete without them again, so they may miss acknowledged records).
/// - Election, in the assignment's preference order: a live ISR member not shutting down; else a
///   live ELR member (it becomes the ISR, the old ISR members join the ELR); else, only when the
///   topic allows unclean election, a live last-known-ELR member, else any live replica (ISR = [it],
///   ELR and last known ELR cleared); else no leader.
/// - The leader epoch increases on every leader change (also to or from -1), the partition epoch
///   on every change.
struct PartitionChange {
    let before: PartitionLeadershipState
    private(set) var state: PartitionLeadershipState
    let replicas: [Int32]
    let policy: TopicElectionPolicy

    init(_ state: PartitionLeadershipState, replicas: [Int32], policy: TopicElectionPolicy) {
        self.before = state
        self.state = state
        self.replicas = replicas
        self.policy = policy
    }

    /// Removes `broker` from the ISR unless it is the last member, moving it to the ELR when the rule says so.
    mutating func removeFromIsr(_ broker: Int32) {
        guard state.isr.contains(broker), state.isr.count > 1 else { return }
        setIsr(state.isr.filter { $0 != broker }, leaving: [broker])
    }

    /// Replaces the ISR (an AlterPartition); members leaving it follow the ELR rule.
    mutating func replaceIsr(_ newIsr: [Int32]) {
        setIsr(newIsr, leaving: state.isr.filter { !newIsr.contains($0) })
    }

    private mutating func setIsr(_ newIsr: [Int32], leaving: [Int32]) {
        state.isr = newIsr
        if newIsr.count < policy.minInsyncReplicas {
            state.elr += leaving.filter { !state.elr.contains($0) }
        }
        normalize()
    }

    /// Drops `broker` from the ELR into the last known ELR (it restarted after a crash).
    mutating func demoteFromElr(_ broker: Int32) {
        guard state.elr.contains(broker) else { return }
        state.elr.removeAll { $0 == broker }
        if !state.lastKnownElr.contains(broker) { state.lastKnownElr.append(broker) }
        normalize()
    }

    /// Elects a leader when the current one cannot lead (none, not eligible, or no longer in the ISR).
    mutating func electIfNeeded(_ snapshot: ControllerSnapshot, allowUnclean: Bool) {
        let leader = state.leader
        if leader != PartitionLeadershipState.noLeader, snapshot.isEligible(leader), state.isr.contains(leader) {
            return
        }
        elect(snapshot, allowUnclean: allowUnclean)
    }

    /// Makes `broker` the leader (preferred election); the caller checked it is an eligible ISR member.
    mutating func setLeader(_ broker: Int32) {
        state.leader = broker
    }

    private mutating func elect(_ snapshot: ControllerSnapshot, allowUnclean: Bool) {
        if let member = replicas.first(where: { state.isr.contains($0) && snapshot.isEligible($0) }) {
            state.leader = member
            return
        }
        if let member = replicas.first(where: { state.elr.contains($0) && snapshot.isEligible($0) }) {
            let formerIsr = state.isr
            state.leader = member
            state.isr = [member]
            state.elr = state.elr.filter { $0 != member } + formerIsr.filter { !state.elr.contains($0) }
            normalize()
            return
        }
        if allowUnclean {
            let lastKnown = replicas.filter { state.lastKnownElr.contains($0) }
            if let member = (lastKnown + replicas).first(where: { snapshot.isEligible($0) }) {
                state.leader = member
                state.isr = [member]
                state.elr = []
                state.lastKnownElr = []
                return
            }
        }
        state.leader = PartitionLeadershipState.noLeader
    }

    private mutating func normalize() {
        state.elr = Self.unique(state.elr.filter { !state.isr.contains($0) })
        if state.isr.count >= policy.minInsyncReplicas {
            state.elr = []
            state.lastKnownElr = []
        }
        state.lastKnownElr = Self.unique(state.lastKnownElr.filter { !state.isr.contains($0) && !state.elr.contains($0) })
    }

    private static func unique(_ brokers: [Int32]) -> [Int32] {
        var seen = Set<Int32>()
        return brokers.filter { seen.insert($0).inserted }
    }

    /// The new record, epochs bumped; nil when nothing changed.
    func build() -> PartitionLeadershipState? {
        guard state != before else { return nil }
        var next = state
        next.leaderEpoch = state.leader != before.leader ? before.leaderEpoch + 1 : before.leaderEpoch
        next.partitionEpoch = before.partitionEpoch + 1
        return next
    }
}
