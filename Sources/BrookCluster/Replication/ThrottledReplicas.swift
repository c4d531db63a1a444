import Foundation

/// A topic's `leader.replication.throttled.replicas` or `follower.replication.throttled.replicas`:
/// `*` (every replica of the topic), or `partition:broker` pairs separated by commas.
public struct ThrottledReplicas: Sendable, Equatable {
    public let all: Bool
    public let pairs: Set<Pair>

    /// One replica: a partition on a broker.
    public struct Pair: Sendable, Hashable {
        public var partition: Int32
        public var broker: Int32

        public init(partition: Int32, broker: Int32) {
            self.partition = partition
            self.broker = broker
        }
    }

    /// Parses the config's value; entries that are not `partition:broker` are ignored (the config's
    /// validation is the admin path's).
    public init(_ value: String?) {
        let entries = (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        all = entries.contains("*")
        pairs = Set(entries.compactMap { entry in
            let parts = entry.split(separator: ":")
            guard parts.count == 2, let partition = Int32(parts[0]), let broker = Int32(parts[1]) else { return nil }
            return Pair(partition: partition, broker: broker)
        })
    }

    public func contains(partition: Int32, broker: Int32) -> Bool {
        all || pairs.contains(Pair(partition: partition, broker: broker))
    }
}
