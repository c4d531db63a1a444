/// This broker's view of one partition's replicas, kept as Kafka's leader keeps it: leadership and
/// ISR, each follower's progress, the leader's own log end and fsynced end, and the two watermarks
/// derived from them. Sans-IO: each event returns the effects its owner applies.
///
/// Two watermarks, because Brook's acks=all is stronger than Kafka's (every ISR member has the batch
/// on disk, not merely in its page cache):
/// - `highWatermark` (what consumers may read) = min over the ISR of log ends, ours included;
/// - `durableIsrOffset` (what acks=all may be answered for) = min(our fsynced end, every other ISR
///   member's fetch offset), since a follower fetches the next offset only after its own fsync.
///
/// Invariants (checked by the property tests): both watermarks never move backwards (except that a
/// leadership taken with a shorter log clamps them to it); `durableIsrOffset <= highWatermark <=
/// logEndOffset`; as leader, `highWatermark` is at most every ISR follower's reported log end once
/// it has fetched this epoch; `flushedOffset <= logEndOffset`. No input traps: offsets and clocks
/// are compared, never added.
///
/// While an ISR expansion is in flight, both watermarks wait for the joining replica too (Kafka's
/// "maximal ISR"), so a commit that lands later cannot expose a watermark the new member lacks;
/// `minInsyncSatisfied` counts only the committed ISR, as Kafka does.
public struct PartitionReplicaState: Equatable, Sendable {
    public enum Role: Equatable, Sendable {
        case leader
        /// Following `leader` (nil when unknown); no watermark is computed here.
        case follower(leader: Int32?)
    }

    /// This broker's id.
    public let localReplica: Int32
    public private(set) var role: Role
    public private(set) var leadership: ReplicaLeadership
    public private(set) var logEndOffset: Int64
    /// Our offsets below this are fsynced.
    public private(set) var flushedOffset: Int64
    public private(set) var highWatermark: Int64
    public private(set) var durableIsrOffset: Int64
    /// Our log end when we became leader: a follower joins the ISR only once it has reached it
    /// (it then holds everything of the current epoch that was written before us).
    public private(set) var leaderEpochStartOffset: Int64
    /// Per follower (every replica but us), while we lead.
    public private(set) var followers: [Int32: FollowerProgress] = [:]
    /// An ISR change proposed and not yet committed or refused; no other is proposed meanwhile.
    public private(set) var pendingIsrChange: IsrChangeProposal?

    /// A replica that neither leads nor follows yet, with its log as found on disk.
    public init(localReplica: Int32, logEndOffset: Int64, flushedOffset: Int64, highWatermark: Int64) {
        self.localReplica = localReplica
        self.role = .follower(leader: nil)
        self.leadership = ReplicaLeadership(replicas: [], leader: nil, leaderEpoch: -1, partitionEpoch: -1, isr: [])
        let end = max(logEndOffset, 0)
        self.logEndOffset = end
        self.flushedOffset = min(max(flushedOffset, 0), end)
        self.highWatermark = min(max(highWatermark, 0), end)
        self.durableIsrOffset = min(self.flushedOffset, self.highWatermark)
        self.leaderEpochStartOffset = end
    }

    /// A single node's partition: sole replica, whole ISR, leader at epoch 0 (what Brook runs
    /// without a cluster). The high watermark follows the log end after every append and the
    /// durable ISR offset is our fsynced end.
    public static func singleReplica(_ node: Int32, logEndOffset: Int64, flushedOffset: Int64,
                                     now: Int64) -> (PartitionReplicaState, [ReplicaEffect]) {
        var state = PartitionReplicaState(localReplica: node, logEndOffset: logEndOffset, flushedOffset: flushedOffset,
                                          highWatermark: 0)
        let effects = (try? state.becameLeader(epoch: 0, partitionEpoch: 0, replicas: [node], isr: [node],
                                                logEnd: logEndOffset, now: now).get()) ?? []
        return (state, effects)
    }

    public var isLeader: Bool { role == .leader }
    public var leaderEpoch: Int32 { leadership.leaderEpoch }
    public var isr: [Int32] { leadership.isr }

    public func minInsyncSatisfied(_ minInsyncReplicas: Int) -> Bool {
        leadership.minInsyncSatisfied(minInsyncReplicas)
    }

    // MARK: Our own log

    /// We appended (as leader, or as follower copying the leader): our log now ends at `logEnd`.
    /// A smaller value is ignored: the log end moves back only by truncation, which a leadership
    /// event reports.
    public mutating func leaderAppended(logEnd: Int64) -> [ReplicaEffect] {
        guard logEnd > logEndOffset else { return [] }
        logEndOffset = logEnd
        return advanceWatermarks()
    }

    /// An fsync finished: our offsets below `upTo` (clamped to our log end) are on disk.
    public mutating func leaderFlushed(upTo: Int64) -> [ReplicaEffect] {
        let flushed = min(upTo, logEndOffset)
        guard flushed > flushedOffset else { return [] }
        flushedOffset = flushed
        return advanceWatermarks()
    }

    // MARK: Followers

    /// A follower's Fetch reached us: `fetchOffset` is its log end (and, in Brook, its durable end).
    /// Checks in Kafka's order: the request's leader epoch, our leadership, the sender being an
    /// assigned replica, then the offset. Report only fetches that found no diverging epoch: a
    /// follower told to truncate has not reached `fetchOffset` (Kafka leaves its state alone too).
    public mutating func followerFetched(replica: Int32, fetchOffset: Int64, currentLeaderEpoch: Int32 = -1,
                                         now: Int64) -> Result<[ReplicaEffect], ReplicaStateError> {
        if let error = leadership.checkLeaderEpoch(currentLeaderEpoch) { return .failure(error) }
        guard isLeader else { return .failure(.notLeaderOrFollower) }
        guard var progress = followers[replica] else {
            // Kafka: a replica unknown at a matching epoch may be one we have not learnt of yet.
            return .failure(currentLeaderEpoch >= 0
                ? .unknownLeaderEpoch(requested: currentLeaderEpoch, current: leaderEpoch)
                : .notLeaderOrFollower)
        }
        guard fetchOffset >= 0, fetchOffset <= logEndOffset else {
            return .failure(.offsetOutOfRange(fetchOffset: fetchOffset, logEndOffset: logEndOffset))
        }
        progress.fetched(fetchOffset: fetchOffset, leaderLogEnd: logEndOffset, now: now)
        followers[replica] = progress
        var effects: [ReplicaEffect] = []
        // As Kafka, the expansion test uses the high watermark from before this fetch.
        if pendingIsrChange == nil, !isr.contains(replica),
           fetchOffset >= highWatermark, fetchOffset >= leaderEpochStartOffset {
            effects.append(propose(isr + [replica]))
        }
        effects += advanceWatermarks()
        return .success(effects)
    }

    /// Periodic check: proposes dropping ISR followers not caught up for more than `replicaLagTimeMaxMs`.
    public mutating func tick(now: Int64, replicaLagTimeMaxMs: Int64) -> [ReplicaEffect] {
        guard isLeader, pendingIsrChange == nil else { return [] }
        let lagging = isr.filter { member in
            guard member != localReplica else { return false }
            guard let progress = followers[member] else { return true }
            return progress.isOutOfSync(leaderLogEnd: logEndOffset, now: now, maxLagMs: replicaLagTimeMaxMs)
        }
        guard !lagging.isEmpty else { return [] }
        return [propose(isr.filter { !lagging.contains($0) })]
    }

    // MARK: Leadership (from the controller)

    /// We lead from `epoch` on, with our log ending at `logEnd` (shorter than before only after a
    /// truncation, which clamps the watermarks). Followers start unknown; those in the ISR count as
    /// caught up now, the others as never (Kafka's reset on election). A re-announcement of our
    /// current epoch keeps what we know of followers still assigned.
    public mutating func becameLeader(epoch: Int32, partitionEpoch: Int32, replicas: [Int32], isr: [Int32],
                                      logEnd: Int64, now: Int64) -> Result<[ReplicaEffect], ReplicaStateError> {
        guard epoch >= leaderEpoch else { return .failure(.staleLeaderEpoch(received: epoch, current: leaderEpoch)) }
        let sameTerm = isLeader && epoch == leaderEpoch
        leadership = ReplicaLeadership(replicas: replicas, leader: localReplica, leaderEpoch: epoch,
                                       partitionEpoch: partitionEpoch, isr: isr)
        role = .leader
        pendingIsrChange = nil
        setLogEnd(logEnd)
        if !sameTerm { leaderEpochStartOffset = logEndOffset }
        var next: [Int32: FollowerProgress] = [:]
        for replica in replicas where replica != localReplica {
            if sameTerm, let known = followers[replica] {
                next[replica] = known
            } else {
                next[replica] = FollowerProgress(lastCaughtUpTimeMs: isr.contains(replica) ? now : 0)
            }
        }
        followers = next
        return .success(advanceWatermarks())
    }

    /// The controller committed an ISR (ours or its own decision). Older partition epochs are
    /// ignored. Clears the proposal in flight: if it lost, the next fetch or tick proposes again.
    public mutating func isrUpdated(isr: [Int32], partitionEpoch: Int32) -> [ReplicaEffect] {
        guard partitionEpoch >= leadership.partitionEpoch else { return [] }
        leadership.isr = isr
        leadership.partitionEpoch = partitionEpoch
        pendingIsrChange = nil
        return advanceWatermarks()
    }

    /// The controller refused our proposal (its partition epoch moved on); propose again later.
    public mutating func isrChangeFailed() {
        pendingIsrChange = nil
    }

    /// Another broker leads from `epoch` on; we stop tracking followers.
    public mutating func becameFollower(leader: Int32?, epoch: Int32) -> Result<Void, ReplicaStateError> {
        guard epoch >= leaderEpoch else { return .failure(.staleLeaderEpoch(received: epoch, current: leaderEpoch)) }
        role = .follower(leader: leader)
        leadership.leader = leader
        leadership.leaderEpoch = epoch
        followers = [:]
        pendingIsrChange = nil
        return .success(())
    }

    // MARK: Following

    /// As follower: our log now ends at `logEnd` (grown by copying the leader's batches, or cut by a
    /// truncation) and the leader reported `leaderHighWatermark`. Ours becomes min(leader's, our log
    /// end), Kafka's follower rule; it moves back only with a truncation. Ignored while we lead.
    public mutating func followerLogUpdated(logEnd: Int64, leaderHighWatermark: Int64) -> [ReplicaEffect] {
        guard !isLeader else { return [] }
        setLogEnd(logEnd)
        let high = min(leaderHighWatermark, logEndOffset)
        guard high > highWatermark else { return [] }
        highWatermark = high
        return [.highWatermarkAdvanced(high)]
    }

    // MARK: Rules

    private mutating func setLogEnd(_ logEnd: Int64) {
        logEndOffset = max(logEnd, 0)
        flushedOffset = min(flushedOffset, logEndOffset)
        highWatermark = min(highWatermark, logEndOffset)
        durableIsrOffset = min(durableIsrOffset, highWatermark)
    }

    private mutating func propose(_ newIsr: [Int32]) -> ReplicaEffect {
        let proposal = IsrChangeProposal(isr: newIsr, expectedPartitionEpoch: leadership.partitionEpoch)
        pendingIsrChange = proposal
        return .proposeIsrChange(proposal)
    }

    /// The committed ISR plus any member a pending expansion adds.
    private var maximalIsr: [Int32] {
        guard let pending = pendingIsrChange else { return isr }
        return isr + pending.isr.filter { !isr.contains($0) }
    }

    private mutating func advanceWatermarks() -> [ReplicaEffect] {
        guard isLeader else { return [] }
        var high = logEndOffset
        var durable = flushedOffset
        for member in maximalIsr where member != localReplica {
            // A member we know nothing of this epoch holds both back (it may lack anything).
            let end = followers[member]?.logEndOffset ?? Int64.min
            high = min(high, end)
            durable = min(durable, end)
        }
        var effects: [ReplicaEffect] = []
        if high > highWatermark {
            highWatermark = high
            effects.append(.highWatermarkAdvanced(high))
        }
        durable = min(durable, highWatermark)
        if durable > durableIsrOffset {
            durableIsrOffset = durable
            effects.append(.durableIsrOffsetAdvanced(durable))
        }
        return effects
    }
}
