import BrookProtocol

/// A member as a server-side assignor sees it.
public struct AssignorMember: Sendable {
    public var memberId: String
    public var subscribedTopics: Set<String>
    /// The member's previous target assignment, kept where possible.
    public var previous: TopicAssignment

    public init(memberId: String, subscribedTopics: Set<String>, previous: TopicAssignment = [:]) {
        self.memberId = memberId
        self.subscribedTopics = subscribedTopics
        self.previous = previous
    }
}

/// Server-side partition assignors of KIP-848 groups (`group.consumer.assignors`): "uniform" (default) and "range".
public enum ServerAssignor: String, Sendable, CaseIterable {
    case uniform
    case range

    /// Assigns every partition of every subscribed topic to exactly one subscribed member.
    public func assign(members: [AssignorMember], topics: [String: TopicImage]) -> [String: TopicAssignment] {
        let ordered = members.sorted { $0.memberId < $1.memberId }
        switch self {
        case .uniform: return Self.uniform(ordered, topics)
        case .range: return Self.range(ordered, topics)
        }
    }

    /// Balanced and sticky: members keep what they had up to their fair share; the rest goes to the
    /// least-loaded subscribed member.
    private static func uniform(_ members: [AssignorMember], _ topics: [String: TopicImage]) -> [String: TopicAssignment] {
        var result: [String: TopicAssignment] = [:]
        var load: [String: Int] = [:]
        for m in members { result[m.memberId] = [:]; load[m.memberId] = 0 }
        let subscribed = Set(members.flatMap(\.subscribedTopics)).compactMap { topics[$0] }.sorted { $0.name < $1.name }
        let partitions = subscribed.flatMap { topic in (0..<topic.partitions).map { (topic, $0) } }
        guard !members.isEmpty, !partitions.isEmpty else { return result }
        // Fair shares: everyone gets `floor`, the first `extra` members (most previously owned) one more.
        let floor = partitions.count / members.count
        let extra = partitions.count % members.count
        let byPrevious = members.sorted { ($0.previous.partitionCount, $1.memberId) > ($1.previous.partitionCount, $0.memberId) }
        var quota: [String: Int] = [:]
        for (index, m) in byPrevious.enumerated() { quota[m.memberId] = floor + (index < extra ? 1 : 0) }
        var taken = Set<String>()
        func key(_ topic: TopicImage, _ p: Int32) -> String { "\(topic.id)/\(p)" }
        for m in members {
            for topic in subscribed where m.subscribedTopics.contains(topic.name) {
                for p in (m.previous[topic.id] ?? []).sorted() where p < topic.partitions {
                    guard load[m.memberId]! < quota[m.memberId]!, !taken.contains(key(topic, p)) else { continue }
                    result[m.memberId]![topic.id, default: []].insert(p)
                    load[m.memberId]! += 1
                    taken.insert(key(topic, p))
                }
            }
        }
        for (topic, p) in partitions where !taken.contains(key(topic, p)) {
            let eligible = members.filter { $0.subscribedTopics.contains(topic.name) }
            guard let target = eligible.min(by: { (load[$0.memberId]!, $0.memberId) < (load[$1.memberId]!, $1.memberId) }) else { continue }
            result[target.memberId]![topic.id, default: []].insert(p)
            load[target.memberId]! += 1
        }
        return result
    }

    /// Per topic, contiguous ranges in member-id order; the first members get one extra.
    private static func range(_ members: [AssignorMember], _ topics: [String: TopicImage]) -> [String: TopicAssignment] {
        var result: [String: TopicAssignment] = [:]
        for m in members { result[m.memberId] = [:] }
        for topic in Set(members.flatMap(\.subscribedTopics)).compactMap({ topics[$0] }) {
            let eligible = members.filter { $0.subscribedTopics.contains(topic.name) }
            guard !eligible.isEmpty else { continue }
            let per = Int(topic.partitions) / eligible.count
            let extra = Int(topic.partitions) % eligible.count
            var next: Int32 = 0
            for (index, m) in eligible.enumerated() {
                let count = per + (index < extra ? 1 : 0)
                if count > 0 { result[m.memberId]![topic.id] = Set(next..<(next + Int32(count))) }
                next += Int32(count)
            }
        }
        return result
    }
}
