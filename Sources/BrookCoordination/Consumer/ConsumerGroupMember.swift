import BrookProtocol

/// Where a KIP-848 member is in reaching its target assignment.
public enum ConsumerMemberState: String, Sendable {
    /// Owns exactly its target at the current epoch.
    case stable = "STABLE"
    /// Must give up partitions first (they are in `pendingRevocation`).
    case unrevokedPartitions = "UNREVOKED_PARTITIONS"
    /// Waits for partitions other members still own.
    case unreleasedPartitions = "UNRELEASED_PARTITIONS"
}

/// One member of a KIP-848 consumer group.
public struct ConsumerGroupMember: Sendable, Equatable {
    public var memberId: String
    public var instanceId: String?
    public var rackId: String?
    public var clientId: String
    public var clientHost: String
    public var rebalanceTimeoutMs: Int32
    public var subscribedTopicNames: [String]
    /// A regular expression topics must match in full (KIP-848 pattern subscription), if any.
    public var subscribedTopicRegex: String?
    public var serverAssignor: String?
    public var memberEpoch: Int32 = 0
    public var previousMemberEpoch: Int32 = -1
    public var state: ConsumerMemberState = .stable
    /// Partitions the member may consume now.
    public var assignedPartitions: TopicAssignment = [:]
    /// Partitions the member must release before it moves on.
    public var pendingRevocation: TopicAssignment = [:]

    public init(memberId: String, instanceId: String?, rackId: String?, clientId: String, clientHost: String,
                rebalanceTimeoutMs: Int32, subscribedTopicNames: [String], subscribedTopicRegex: String? = nil,
                serverAssignor: String?) {
        self.subscribedTopicRegex = subscribedTopicRegex
        self.memberId = memberId
        self.instanceId = instanceId
        self.rackId = rackId
        self.clientId = clientId
        self.clientHost = clientHost
        self.rebalanceTimeoutMs = rebalanceTimeoutMs
        self.subscribedTopicNames = subscribedTopicNames
        self.serverAssignor = serverAssignor
    }
}

extension ConsumerGroupMember {
    /// Whether the member consumes `topic`: named, or matched in full by its pattern.
    public func subscribes(to topic: String) -> Bool {
        if subscribedTopicNames.contains(topic) { return true }
        guard let pattern = subscribedTopicRegex, let regex = try? Regex(pattern) else { return false }
        return (try? regex.wholeMatch(in: topic)) != nil
    }

    /// The topics of `image` the member consumes.
    func subscribedTopics(in image: TopicsImage) -> Set<String> {
        var topics = Set(subscribedTopicNames)
        if subscribedTopicRegex != nil {
            for name in image.byName.keys where subscribes(to: name) { topics.insert(name) }
        }
        return topics
    }
}
