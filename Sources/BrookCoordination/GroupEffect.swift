import NIOCore

/// Identifies one parked request (a JoinGroup or SyncGroup waiting for the group) so the shell can
/// complete the right promise when the state machine answers it.
public struct RequestToken: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }
}

/// A timer the coordinator asks its shell to run. Scheduling a key again replaces the previous deadline.
public enum GroupTimer: Hashable, Sendable {
    /// A classic member's session (or a pending member's, or a new member's join) deadline.
    case heartbeat(group: String, member: String)
    /// The end of a classic group's join phase (initial delay or rebalance timeout).
    case join(group: String)
    /// The deadline for every member to send SyncGroup after a join phase.
    case sync(group: String)
    /// A KIP-848 member's session deadline.
    case consumerSession(group: String, member: String)
    /// A KIP-848 member's deadline for revoking partitions (its rebalance timeout).
    case consumerRebalance(group: String, member: String)
    /// The periodic offset-retention check of a coordinator shard.
    case offsetExpiration
}

/// Something the coordinator wants done. The shell performs effects in order; every response that
/// follows an `append` in the same list is released only once that append is durable (or answered
/// with an error if the write fails).
public enum GroupEffect: Sendable {
    /// Answer a parked or immediate JoinGroup.
    case respondJoin(RequestToken, JoinGroupResult)
    /// Answer a parked or immediate SyncGroup.
    case respondSync(RequestToken, SyncGroupResult)
    /// Run `timerFired` for this timer at `deadline` (milliseconds, same clock as `now`).
    case schedule(GroupTimer, deadline: Int64)
    /// Forget a scheduled timer.
    case cancel(GroupTimer)
    /// Write these records to the coordinator's `__consumer_offsets` partition (acks=all).
    case append([OffsetsTopicRecord])
}
