import BrookProtocol
import NIOCore

/// Builds the group API requests in the layout of the negotiated version, and reads their
/// responses the same way. Pure, so every version branch is unit-tested without a broker.
enum GroupRequests {
    // MARK: FindCoordinator

    /// `keyType` 0 finds a group's coordinator, 1 a transactional id's.
    static func findCoordinator(_ key: String, keyType: Int8 = 0, version: Int16) -> FindCoordinatorRequest {
        version >= 4
            ? FindCoordinatorRequest(keyType: keyType, coordinatorKeys: [key])
            : FindCoordinatorRequest(key: key, keyType: keyType)
    }

    static func coordinator(in response: FindCoordinatorResponse, group: String, version: Int16) throws -> (Int32, BrokerAddress) {
        if version >= 4 {
            guard let entry = response.coordinators.first(where: { $0.key == group }) ?? response.coordinators.first else {
                throw KafkaClientError.protocolViolation("FindCoordinator answered no coordinator for \(group)")
            }
            try KafkaClientError.check(entry.errorCode, message: entry.errorMessage, context: "find coordinator for group \(group)")
            return (entry.nodeId, BrokerAddress(host: entry.host, port: Int(entry.port)))
        }
        try KafkaClientError.check(response.errorCode, message: response.errorMessage, context: "find coordinator for group \(group)")
        return (response.nodeId, BrokerAddress(host: response.host, port: Int(response.port)))
    }

    // MARK: OffsetFetch

    /// Committed offsets of `partitions` (nil: every partition the group committed).
    static func offsetFetch(group: String, partitions: [TopicPartition]?, requireStable: Bool, version: Int16) -> OffsetFetchRequest {
        let byTopic = partitions.map { list in
            Dictionary(grouping: list, by: \.topic).sorted { $0.key < $1.key }.map { ($0.key, $0.value.map(\.partition).sorted()) }
        }
        if version >= 8 {
            return OffsetFetchRequest(
                groups: [.init(groupId: group, topics: byTopic.map { $0.map { .init(name: $0.0, partitionIndexes: $0.1) } })],
                requireStable: requireStable)
        }
        return OffsetFetchRequest(
            groupId: group, topics: byTopic.map { $0.map { .init(name: $0.0, partitionIndexes: $0.1) } },
            requireStable: requireStable)
    }

    /// A committed offset: -1 when the group has none for the partition.
    struct Committed: Sendable, Equatable {
        var offset: Int64
        var leaderEpoch: Int32
        var metadata: String?
    }

    static func committedOffsets(in response: OffsetFetchResponse, group: String, version: Int16) throws -> [TopicPartition: Committed] {
        var out: [TopicPartition: Committed] = [:]
        if version >= 8 {
            guard let entry = response.groups.first(where: { $0.groupId == group }) ?? response.groups.first else {
                throw KafkaClientError.protocolViolation("OffsetFetch answered no group")
            }
            try KafkaClientError.check(entry.errorCode, context: "fetch committed offsets of group \(group)")
            for topic in entry.topics {
                for partition in topic.partitions {
                    try KafkaClientError.check(partition.errorCode, context: "committed offset of \(topic.name)-\(partition.partitionIndex)")
                    out[TopicPartition(topic.name, partition.partitionIndex)] = Committed(
                        offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch, metadata: partition.metadata)
                }
            }
            return out
        }
        if version >= 2 {
            try KafkaClientError.check(response.errorCode, context: "fetch committed offsets of group \(group)")
        }
        for topic in response.topics {
            for partition in topic.partitions {
                try KafkaClientError.check(partition.errorCode, context: "committed offset of \(topic.name)-\(partition.partitionIndex)")
                out[TopicPartition(topic.name, partition.partitionIndex)] = Committed(
                    offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch, metadata: partition.metadata)
            }
        }
        return out
    }

    // MARK: OffsetCommit

    /// Commits `offsets` as member `memberId` of `generation` (-1 and "" commit outside a generation,
    /// as admin tools and assign()-mode consumers do).
    static func offsetCommit(group: String, generation: Int32, memberId: String, groupInstanceId: String?,
                             offsets: [TopicPartition: Int64], metadata: String? = "") -> OffsetCommitRequest {
        let topics = Dictionary(grouping: offsets.keys, by: \.topic).sorted { $0.key < $1.key }.map { topic, partitions in
            OffsetCommitRequest.OffsetCommitRequestTopic(name: topic, partitions: partitions.sorted().map {
                .init(partitionIndex: $0.partition, committedOffset: offsets[$0]!, committedLeaderEpoch: -1,
                      commitTimestamp: -1, committedMetadata: metadata)
            })
        }
        return OffsetCommitRequest(
            groupId: group, generationIdOrMemberEpoch: generation, memberId: memberId, groupInstanceId: groupInstanceId,
            retentionTimeMs: -1, topics: topics)
    }

    /// Per-partition commit errors (empty when all succeeded).
    static func commitErrors(in response: OffsetCommitResponse) -> [TopicPartition: ErrorCode] {
        var errors: [TopicPartition: ErrorCode] = [:]
        for topic in response.topics {
            for partition in topic.partitions where partition.errorCode != 0 {
                errors[TopicPartition(topic.name, partition.partitionIndex)] = ErrorCode(rawValue: partition.errorCode) ?? .unknownServerError
            }
        }
        return errors
    }

    // MARK: Membership

    static func joinGroup(group: String, memberId: String, groupInstanceId: String?, sessionTimeout: Duration,
                          rebalanceTimeout: Duration, protocols: [(name: String, metadata: ByteBuffer)]) -> JoinGroupRequest {
        JoinGroupRequest(
            groupId: group, sessionTimeoutMs: sessionTimeout.millisInt32, rebalanceTimeoutMs: rebalanceTimeout.millisInt32,
            memberId: memberId, groupInstanceId: groupInstanceId, protocolType: "consumer",
            protocols: protocols.map { .init(name: $0.name, metadata: $0.metadata) })
    }

    static func syncGroup(group: String, generation: Int32, memberId: String, groupInstanceId: String?,
                          protocolName: String?, assignments: [String: ConsumerAssignment]) -> SyncGroupRequest {
        SyncGroupRequest(
            groupId: group, generationId: generation, memberId: memberId, groupInstanceId: groupInstanceId,
            protocolType: "consumer", protocolName: protocolName,
            assignments: assignments.sorted { $0.key < $1.key }.map { .init(memberId: $0.key, assignment: $0.value.encode()) })
    }

    static func leaveGroup(group: String, memberId: String, groupInstanceId: String?, reason: String = "consumer closed",
                           version: Int16) -> LeaveGroupRequest {
        version >= 3
            ? LeaveGroupRequest(groupId: group, members: [.init(memberId: memberId, groupInstanceId: groupInstanceId, reason: reason)])
            : LeaveGroupRequest(groupId: group, memberId: memberId)
    }
}
