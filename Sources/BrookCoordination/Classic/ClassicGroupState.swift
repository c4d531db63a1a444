/// The states of a classic consumer group, with Kafka's names (as DescribeGroups and ListGroups report them).
public enum ClassicGroupState: String, Sendable, CaseIterable {
    /// No members; offsets may still be committed (by admin tools or simple consumers).
    case empty = "Empty"
    /// Waiting for every member to (re)join before a new generation.
    case preparingRebalance = "PreparingRebalance"
    /// Join phase done; waiting for the leader's assignment in SyncGroup.
    case completingRebalance = "CompletingRebalance"
    /// Assignment propagated; members heartbeat.
    case stable = "Stable"
    /// Deleted or expired; about to be removed.
    case dead = "Dead"

    /// States a group may come from when entering this one.
    var validPreviousStates: Set<ClassicGroupState> {
        switch self {
        case .empty: return [.preparingRebalance]
        case .preparingRebalance: return [.stable, .completingRebalance, .empty]
        case .completingRebalance: return [.preparingRebalance]
        case .stable: return [.completingRebalance]
        case .dead: return [.stable, .preparingRebalance, .completingRebalance, .empty, .dead]
        }
    }
}
