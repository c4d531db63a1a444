/// Kafka's round-robin assignor: all partitions of all subscribed topics, sorted, dealt in turn to
/// the members (in member order), skipping members not subscribed to a partition's topic.
public struct RoundRobinAssignor: PartitionAssignor {
    public let name = "roundrobin"
    public let rebalanceProtocol = RebalanceProtocol.eager

    public init() {}

    public func assign(members: [GroupMemberSubscription], partitionsPerTopic: [String: Int]) -> [String: [TopicPartition]] {
        var result: [String: [TopicPartition]] = Dictionary(uniqueKeysWithValues: members.map { ($0.memberId, []) })
        let ordered = members.sorted { $0.sortKey < $1.sortKey }
        guard !ordered.isEmpty else { return result }
        let subscribed = Set(members.flatMap(\.subscription.topics))
        var next = 0
        for (topic, count) in partitionsPerTopic.sorted(by: { $0.key < $1.key }) where subscribed.contains(topic) {
            for partition in 0..<count {
                // Some member is subscribed to `topic`, so this finds one within a full turn.
                while !ordered[next % ordered.count].subscription.topics.contains(topic) { next += 1 }
                result[ordered[next % ordered.count].memberId, default: []].append(TopicPartition(topic, Int32(partition)))
                next += 1
            }
        }
        return result
    }
}
