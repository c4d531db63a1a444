/// A transactional id's state in the coordinator (KIP-98), with the ids Kafka stores in
/// `__transaction_state` values.
public enum TransactionState: Int8, Sendable, Hashable, CaseIterable {
    case empty = 0
    case ongoing = 1
    case prepareCommit = 2
    case prepareAbort = 3
    case completeCommit = 4
    case completeAbort = 5
    case dead = 6
    case prepareEpochFence = 7

    /// The name DescribeTransactions and ListTransactions report.
    public var name: String {
        switch self {
        case .empty: return "Empty"
        case .ongoing: return "Ongoing"
        case .prepareCommit: return "PrepareCommit"
        case .prepareAbort: return "PrepareAbort"
        case .completeCommit: return "CompleteCommit"
        case .completeAbort: return "CompleteAbort"
        case .dead: return "Dead"
        case .prepareEpochFence: return "PrepareEpochFence"
        }
    }

    public init?(name: String) {
        guard let state = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = state
    }

    /// No transaction is open: a new one may start.
    var isIdle: Bool { self == .empty || self == .completeCommit || self == .completeAbort }
}

/// A partition of a transaction, by topic name.
public struct TransactionPartition: Sendable, Hashable, Comparable {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (a: Self, b: Self) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }
}
