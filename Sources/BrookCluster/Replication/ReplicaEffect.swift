/// What a `PartitionReplicaState` event asks its owner to do.
public enum ReplicaEffect: Equatable, Sendable {
    /// Consumers may now read below this offset (set the log's high watermark, wake long polls).
    case highWatermarkAdvanced(Int64)
    /// Every ISR member has the offsets below this on disk: acks=all waiters below it may be answered.
    case durableIsrOffsetAdvanced(Int64)
    /// Ask the controller to change the ISR (a compare-and-swap on the partition epoch).
    case proposeIsrChange(IsrChangeProposal)
}

/// An ISR change the leader asks for, valid only if the partition epoch is still `expectedPartitionEpoch`.
public struct IsrChangeProposal: Equatable, Sendable {
    public var isr: [Int32]
    public var expectedPartitionEpoch: Int32

    public init(isr: [Int32], expectedPartitionEpoch: Int32) {
        self.isr = isr
        self.expectedPartitionEpoch = expectedPartitionEpoch
    }
}

/// Why a replica event was refused; each case is named after the Kafka error it becomes.
public enum ReplicaStateError: Error, Equatable, Sendable {
    /// The request's leader epoch is older than ours (KIP-320: the sender must refresh its metadata).
    case fencedLeaderEpoch(requested: Int32, current: Int32)
    /// The request's leader epoch is newer than ours, or the sender is not (yet) a replica of ours
    /// at this epoch: we may be behind, the sender retries.
    case unknownLeaderEpoch(requested: Int32, current: Int32)
    /// This broker does not lead the partition, or the sender is no replica and named no epoch.
    case notLeaderOrFollower
    /// A follower fetched from beyond our log end, or from a negative offset.
    case offsetOutOfRange(fetchOffset: Int64, logEndOffset: Int64)
    /// A leadership change older than the epoch we already know.
    case staleLeaderEpoch(received: Int32, current: Int32)
}
