/// Kafka's range assignor: per topic, the members subscribed to it (in member order) get
/// consecutive ranges of partitions; the first `partitions % members` get one extra.
public struct RangeAssignor: PartitionAssignor {
    public let name = "range"
    public let rebalanceProtocol = RebalanceProtocol.eager

    public init() {}

    public func assign(members: [GroupMemberSubscription], partitionsPerTopic: [String: Int]) -> [String: [TopicPartition]] {
        var result: [String: [TopicPartition]] = Dictionary(uniqueKeysWithValues: members.map { ($0.memberId, []) })
        for (topic, count) in partitionsPerTopic.sorted(by: { $0.key < $1.key }) {
            let subscribers = members.filter { $0.subscription.topics.contains(topic) }.sorted { $0.sortKey < $1.sortKey }
            guard !subscribers.isEmpty else { continue }
            let perMember = count / subscribers.count
            let extra = count % subscribers.count
            for (index, member) in subscribers.enumerated() {
                let start = perMember * index + min(index, extra)
                let length = perMember + (index < extra ? 1 : 0)
                result[member.memberId, default: []] += (start..<start + length).map { TopicPartition(topic, Int32($0)) }
            }
        }
        return result
    }
}
