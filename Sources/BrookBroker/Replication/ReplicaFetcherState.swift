import BrookProtocol
import BrookStorage
import NIOCore

/// What one follower's fetcher knows about the partitions it copies from one leader, and what it
/// does with each answer (Kafka's `AbstractFetcherThread`). Sans-IO: the shell (`ReplicaFetcher`)
/// sends the requests it builds and carries out the actions it returns.
///
/// A partition is fetched again only after its previous answer was applied, so an appended batch
/// is fsynced before the next fetch offset tells the leader we have it (Brook's acks=all rule).
struct ReplicaFetcherState: Sendable {
    enum Phase: Equatable, Sendable {
        /// Ready for the next fetch.
        case fetching
        /// In the fetch request now on the wire.
        case inFlight
        /// An append of the answer's records is under way.
        case appending
        /// The log is being cut back to where it agrees with the leader's (or asked where that is).
        case truncating
        /// Refused by the leader (not leader, fenced or unknown epoch, ...): retried at `until`, or
        /// earlier when new leadership arrives.
        case delayed(until: Int64)
        /// Our log directory failed: nothing more is fetched for it.
        case failed
    }

    struct Followed: Equatable, Sendable {
        var leaderEpoch: Int32
        var fetchOffset: Int64
        /// The epoch of our log's last batch (-1: empty); Fetch v12's LastFetchedEpoch.
        var lastFetchedEpoch: Int32
        var phase: Phase
        /// The leader's high watermark and log start as last reported.
        var leaderHighWatermark: Int64 = -1
        var leaderLogStart: Int64 = -1
        /// The leader epoch the request in flight named (new leadership may arrive meanwhile).
        var sentEpoch: Int32 = -1

        /// Whether we have everything below the leader's high watermark (Kafka's follower-side
        /// "in sync" for throttling).
        var isCaughtUp: Bool { leaderHighWatermark >= 0 && fetchOffset >= leaderHighWatermark }
    }

    /// What the shell does next for one partition.
    enum Action: Equatable, Sendable {
        /// Nothing: the partition is fetched again (or waits out its delay).
        case none
        /// `Partition.appendAsFollower`, then the log start moved up to the leader's (as Kafka's
        /// follower does, so DeleteRecords and the leader's retention reach it), then `logUpdated`.
        case append(records: ByteBuffer, leaderHighWatermark: Int64, leaderLogStart: Int64)
        /// Truncate by Kafka's diverging-epoch rule (`divergenceTruncationOffset`), then `logUpdated`.
        case truncateDiverging(epoch: Int32, endOffset: Int64)
        /// OFFSET_OUT_OF_RANGE: ask the leader for its log start and end, then `leaderOffsetsReceived`.
        case askLeaderOffsets
        /// `Partition.truncateAsFollower(to:)`, then `logUpdated`.
        case truncate(to: Int64)
        /// `Partition.truncateFullyAsFollower(restartingAt:)`, then `logUpdated`.
        case truncateFully(restartingAt: Int64)
    }

    /// This broker (the request's replica id).
    let localReplica: Int32
    let settings: ReplicaFetcherSettings
    private(set) var partitions: [TopicPartition: Followed] = [:]
    /// Which ready partition goes first in the next request: the leader gives only the first one
    /// a batch larger than its byte limit (KIP-74), so the first place rotates (as Kafka's fetcher does).
    private var rotation = 0

    init(localReplica: Int32, settings: ReplicaFetcherSettings) {
        self.localReplica = localReplica
        self.settings = settings
    }

    // MARK: Leadership

    /// Starts (or goes on) copying `tp` at leader epoch `epoch` from our log's end. New leadership
    /// ends a delay; a partition whose directory failed stays failed.
    mutating func follow(_ tp: TopicPartition, leaderEpoch: Int32, logEnd: Int64, lastEpoch: Int32) {
        if var known = partitions[tp] {
            guard leaderEpoch != known.leaderEpoch else { return }
            known.leaderEpoch = leaderEpoch
            if case .delayed = known.phase { known.phase = .fetching }
            partitions[tp] = known
            return
        }
        partitions[tp] = Followed(leaderEpoch: leaderEpoch, fetchOffset: logEnd, lastFetchedEpoch: lastEpoch, phase: .fetching)
    }

    mutating func unfollow(_ tp: TopicPartition) {
        partitions[tp] = nil
    }

    var isEmpty: Bool { partitions.isEmpty }

    // MARK: Requests

    /// The next Fetch (v12 layout: topic names, CurrentLeaderEpoch, LastFetchedEpoch) for every
    /// partition ready now and not held back (the follower throttle); they are in flight until
    /// their answer (or `requestFailed`). Nil: none ready.
    mutating func nextRequest(now: Int64, holdingBack holdBack: (TopicPartition, Followed) -> Bool = { _, _ in false })
        -> FetchRequest? {
        var ready = partitions.filter { tp, followed in
            switch followed.phase {
            case .fetching: return !holdBack(tp, followed)
            case .delayed(let until): return until <= now && !holdBack(tp, followed)
            default: return false
            }
        }.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        guard !ready.isEmpty else { return nil }
        let first = rotation % ready.count
        ready = Array(ready[first...] + ready[..<first])
        rotation &+= 1
        var topics: [FetchRequest.FetchTopic] = []
        for tp in ready {
            guard var followed = partitions[tp] else { continue }
            let partition = FetchRequest.FetchPartition(
                partition: tp.partition, currentLeaderEpoch: followed.leaderEpoch, fetchOffset: followed.fetchOffset,
                lastFetchedEpoch: followed.lastFetchedEpoch, partitionMaxBytes: settings.maxBytesPerPartition)
            if let index = topics.firstIndex(where: { $0.topic == tp.topic }) {
                topics[index].partitions.append(partition)
            } else {
                topics.append(.init(topic: tp.topic, partitions: [partition]))
            }
            followed.phase = .inFlight
            followed.sentEpoch = followed.leaderEpoch
            partitions[tp] = followed
        }
        var request = FetchRequest(replicaId: localReplica, maxWaitMs: settings.maxWaitMs, minBytes: settings.minBytes,
                                   maxBytes: settings.responseMaxBytes, topics: topics)
        request.replicaState = .init(replicaId: localReplica, replicaEpoch: -1)
        return request
    }

    /// Whether a partition ready to fetch at `now` is not in flight: `nextRequest` held it back.
    func hasHeldBack(now: Int64) -> Bool {
        partitions.values.contains { followed in
            switch followed.phase {
            case .fetching: return true
            case .delayed(let until): return until <= now
            default: return false
            }
        }
    }

    /// When the earliest delayed partition may be fetched again (nil: none is delayed).
    var nextRetry: Int64? {
        partitions.values.compactMap { followed -> Int64? in
            if case .delayed(let until) = followed.phase { return until }
            return nil
        }.min()
    }

    /// The request failed as a whole (connection lost, timeout, undecodable answer): its partitions
    /// are tried again after the backoff.
    mutating func requestFailed(now: Int64) {
        for (tp, followed) in partitions where followed.phase == .inFlight {
            partitions[tp]?.phase = .delayed(until: now + settings.backoffMs)
        }
    }

    /// The answer has been gone through: partitions it left out are fetched again at once.
    mutating func answerEnded() {
        for (tp, followed) in partitions where followed.phase == .inFlight {
            partitions[tp]?.phase = .fetching
        }
    }

    // MARK: Answers

    /// Decides on one partition's answer. Answers for partitions no longer in flight (unfollowed, or
    /// followed anew meanwhile) are ignored.
    mutating func received(_ tp: TopicPartition, _ data: FetchResponse.PartitionData, now: Int64) -> Action {
        guard var followed = partitions[tp], followed.phase == .inFlight else { return .none }
        defer { partitions[tp] = followed }
        switch ErrorCode(rawValue: data.errorCode) {
        case .none?:
            if data.divergingEpoch.epoch >= 0 || data.divergingEpoch.endOffset >= 0 {
                followed.phase = .truncating
                return .truncateDiverging(epoch: data.divergingEpoch.epoch, endOffset: data.divergingEpoch.endOffset)
            }
            let records = data.records ?? ByteBuffer()
            if records.readableBytes == 0, data.highWatermark == followed.leaderHighWatermark,
               data.logStartOffset == followed.leaderLogStart {
                followed.phase = .fetching
                return .none
            }
            followed.leaderHighWatermark = data.highWatermark
            followed.leaderLogStart = data.logStartOffset
            followed.phase = .appending
            return .append(records: records, leaderHighWatermark: data.highWatermark, leaderLogStart: data.logStartOffset)
        case .offsetOutOfRange?:
            followed.phase = .truncating
            return .askLeaderOffsets
        default:
            // NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH, the leader's own
            // storage error, ...: wait for new leadership or the backoff; leadership that arrived
            // while the request was out is tried at once.
            followed.phase = followed.sentEpoch != followed.leaderEpoch ? .fetching : .delayed(until: now + settings.backoffMs)
            return .none
        }
    }

    /// The leader's log start and end after OFFSET_OUT_OF_RANGE (Kafka's
    /// `handleOutOfRangeError`): our log ran past the leader's end → truncate to it; our end is below
    /// its start → restart empty at its start; otherwise fetch again from our end.
    mutating func leaderOffsetsReceived(_ tp: TopicPartition, leaderLogStart: Int64, leaderLogEnd: Int64) -> Action {
        guard let followed = partitions[tp], followed.phase == .truncating else { return .none }
        if leaderLogEnd >= 0, leaderLogEnd < followed.fetchOffset { return .truncate(to: leaderLogEnd) }
        if leaderLogStart > followed.fetchOffset { return .truncateFully(restartingAt: leaderLogStart) }
        partitions[tp]?.phase = .fetching
        return .none
    }

    /// Our log changed (append fsynced, or truncated): the next fetch starts at its end.
    mutating func logUpdated(_ tp: TopicPartition, logEnd: Int64, lastEpoch: Int32) {
        guard partitions[tp] != nil else { return }
        partitions[tp]?.fetchOffset = logEnd
        partitions[tp]?.lastFetchedEpoch = lastEpoch
        partitions[tp]?.phase = .fetching
    }

    /// Applying an answer failed: a failed log directory takes the partition out; anything else (we
    /// lead it now, the answer did not fit our log) retries after the backoff from where our log
    /// now ends (`logEnd`, `lastEpoch`, when known: another fetcher may have moved it meanwhile).
    mutating func applyFailed(_ tp: TopicPartition, directoryOffline: Bool, now: Int64,
                              logEnd: Int64? = nil, lastEpoch: Int32? = nil) {
        guard var followed = partitions[tp] else { return }
        followed.phase = directoryOffline ? .failed : .delayed(until: now + settings.backoffMs)
        if let logEnd, let lastEpoch {
            followed.fetchOffset = logEnd
            followed.lastFetchedEpoch = lastEpoch
        }
        partitions[tp] = followed
    }

    // MARK: Rules

    /// Where a follower cuts its log when the leader says its log diverges at (`leaderEpoch`,
    /// `leaderEndOffset`): Kafka's `getOffsetTruncationState` (KIP-279/320). We look up that epoch's
    /// end on our own log (`localEpochs`):
    /// - we know nothing of it: min(leader's end offset, our log end);
    /// - our largest epoch at or below it is older: that epoch's end on our log (the next fetch,
    ///   with our new last epoch, finds the exact point);
    /// - the same epoch: min(its end on our log, the leader's end offset).
    static func divergenceTruncationOffset(leaderEpoch: Int32, leaderEndOffset: Int64, localEpochs: [EpochEntry],
                                           localLogEnd: Int64) -> Int64 {
        let local = LeaderEpochLookup.endOffset(for: leaderEpoch, entries: localEpochs, logEndOffset: localLogEnd,
                                                current: nil)
        if local.isUndefined { return max(0, min(leaderEndOffset, localLogEnd)) }
        if local.epoch != leaderEpoch { return min(local.endOffset, localLogEnd) }
        return max(0, min(local.endOffset, leaderEndOffset, localLogEnd))
    }
}
