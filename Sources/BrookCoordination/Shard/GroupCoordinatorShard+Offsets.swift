import BrookProtocol

/// An OffsetCommit as the coordinator sees it (topics already checked to exist by the handler).
public struct OffsetCommitInput: Sendable {
    /// One partition's commit.
    public struct Partition: Sendable, Equatable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        public var leaderEpoch: Int32
        public var metadata: String?
        /// OffsetCommit v1's per-partition commit time; -1 (every other version) means now. It is
        /// stored as given and so dates the offset for `offsets.retention.minutes`, as in Kafka.
        public var commitTimestamp: Int64

        public init(topic: String, partition: Int32, offset: Int64, leaderEpoch: Int32 = -1, metadata: String? = nil,
                    commitTimestamp: Int64 = -1) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.leaderEpoch = leaderEpoch
            self.metadata = metadata
            self.commitTimestamp = commitTimestamp
        }
    }

    public var groupId: String
    public var generationIdOrMemberEpoch: Int32
    public var memberId: String
    public var groupInstanceId: String?
    /// OffsetCommit v2–4; -1 means the broker's `offsets.retention.minutes`.
    public var retentionTimeMs: Int64
    /// From v9 an unknown group is GROUP_ID_NOT_FOUND rather than ILLEGAL_GENERATION.
    public var apiVersion: Int16
    public var partitions: [Partition]

    public init(groupId: String, generationIdOrMemberEpoch: Int32 = -1, memberId: String = "",
                groupInstanceId: String? = nil, retentionTimeMs: Int64 = -1, apiVersion: Int16 = 9,
                partitions: [Partition]) {
        self.groupId = groupId
        self.generationIdOrMemberEpoch = generationIdOrMemberEpoch
        self.memberId = memberId
        self.groupInstanceId = groupInstanceId
        self.retentionTimeMs = retentionTimeMs
        self.apiVersion = apiVersion
        self.partitions = partitions
    }
}

/// Committing, fetching, deleting and expiring offsets.
extension GroupCoordinatorShard {
    /// OffsetCommit: one error per partition, in request order. Accepted commits are applied now and
    /// written by the `append` effect; the shell answers once it is durable.
    public mutating func commitOffsets(_ request: OffsetCommitInput, now: Int64) -> ([ErrorCode], [GroupEffect]) {
        let all = { (code: ErrorCode) in (Array(repeating: code, count: request.partitions.count), [GroupEffect]()) }
        if request.groupId.isEmpty { return all(.invalidGroupId) }
        var effects: [GroupEffect] = []
        if let consumer = consumerGroups[request.groupId] {
            if let error = consumer.validateOffsetCommit(memberId: request.memberId, memberEpoch: request.generationIdOrMemberEpoch,
                                                         apiVersion: request.apiVersion) {
                return all(error)
            }
        } else {
            var group: ClassicGroup
            if let existing = groups[request.groupId] {
                group = existing
            } else if request.generationIdOrMemberEpoch < 0 {
                // A simple consumer or admin tool: the group exists from now on, with no protocol.
                group = ClassicGroup(groupId: request.groupId, config: config, now: now)
            } else {
                return all(request.apiVersion >= 9 ? .groupIdNotFound : .illegalGeneration)
            }
            if let error = group.validateOffsetCommit(memberId: request.memberId, instanceId: request.groupInstanceId,
                                                      generationId: request.generationIdOrMemberEpoch) {
                return all(error)
            }
            effects += group.offsetCommitted(by: request.memberId, now: now)
            groups[request.groupId] = group
        }

        // Wrapping like Kafka's long arithmetic: a hostile retention (Int64.max) must not trap.
        let expire: Int64? = request.retentionTimeMs == -1 ? nil : now &+ request.retentionTimeMs
        let (errors, accepted) = acceptedOffsets(request, now: now, expireTimestamp: expire)
        for (tp, committed) in accepted { offsets[request.groupId, default: [:]][tp] = committed }
        if !accepted.isEmpty {
            effects.append(.append(accepted.map { .offsetCommit(group: request.groupId, $0.0, $0.1) }))
        }
        return (errors, effects)
    }

    /// The per-partition part of an OffsetCommit or TxnOffsetCommit: one error per partition in
    /// request order (metadata over `offset.metadata.max.bytes` is refused), and the offsets accepted.
    func acceptedOffsets(_ request: OffsetCommitInput, now: Int64, expireTimestamp: Int64?)
        -> ([ErrorCode], [(GroupTopicPartition, CommittedOffset)]) {
        var errors: [ErrorCode] = []
        var accepted: [(GroupTopicPartition, CommittedOffset)] = []
        for p in request.partitions {
            let metadata = p.metadata ?? ""
            if metadata.utf16.count > config.offsetMetadataMaxBytes {
                errors.append(.offsetMetadataTooLarge)
                continue
            }
            let committed = CommittedOffset(offset: p.offset, leaderEpoch: p.leaderEpoch, metadata: metadata,
                                            commitTimestamp: p.commitTimestamp == -1 ? now : p.commitTimestamp,
                                            expireTimestamp: expireTimestamp)
            accepted.append((GroupTopicPartition(topic: p.topic, partition: p.partition), committed))
            errors.append(.none)
        }
        return (errors, accepted)
    }

    /// OffsetFetch of the named partitions (-1 offset where nothing is committed), or of every
    /// committed partition when `topics` is nil.
    public func fetchOffsets(groupId: String, topics: [(name: String, partitions: [Int32])]?)
        -> [(topic: String, partitions: [(partition: Int32, offset: CommittedOffset?)])] {
        fetchOffsets(groupId: groupId, memberId: nil, memberEpoch: -1, topics: topics).1
    }

    /// OffsetFetch as a member (v9+): a KIP-848 member must give its current epoch.
    public func fetchOffsets(groupId: String, memberId: String?, memberEpoch: Int32, topics: [(name: String, partitions: [Int32])]?)
        -> (ErrorCode, [(topic: String, partitions: [(partition: Int32, offset: CommittedOffset?)])]) {
        if let consumer = consumerGroups[groupId],
           let error = consumer.validateOffsetFetch(memberId: memberId, memberEpoch: memberEpoch) {
            return (error, [])
        }
        let known = consumerGroups[groupId] != nil || (groups[groupId].map { $0.state != .dead } ?? false)
        let committed = known ? (offsets[groupId] ?? [:]) : [:]
        if let topics {
            return (.none, topics.map { topic in
                (topic.name, topic.partitions.map { ($0, committed[GroupTopicPartition(topic: topic.name, partition: $0)]) })
            })
        }
        var byTopic: [String: [(partition: Int32, offset: CommittedOffset?)]] = [:]
        for (tp, value) in committed.sorted(by: { $0.key < $1.key }) {
            byTopic[tp.topic, default: []].append((tp.partition, value))
        }
        return (.none, byTopic.keys.sorted().map { ($0, byTopic[$0]!) })
    }

    /// OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for topics members still consume; tombstones for the rest.
    public mutating func deleteOffsets(groupId: String, topics: [(name: String, partitions: [Int32])], now: Int64)
        -> (ErrorCode, [(topic: String, errors: [(partition: Int32, error: ErrorCode)])], [GroupEffect]) {
        if groupId.isEmpty { return (.invalidGroupId, [], []) }
        let isSubscribed: (String) -> Bool
        if let consumer = consumerGroups[groupId] {
            isSubscribed = consumer.isSubscribed(to:)
        } else {
            guard let group = groups[groupId] else { return (.groupIdNotFound, [], []) }
            if let error = group.validateOffsetDelete() { return (error, [], []) }
            isSubscribed = group.isSubscribed(to:)
        }
        var records: [OffsetsTopicRecord] = []
        var results: [(topic: String, errors: [(partition: Int32, error: ErrorCode)])] = []
        for topic in topics {
            if isSubscribed(topic.name) {
                results.append((topic.name, topic.partitions.map { ($0, ErrorCode.groupSubscribedToTopic) }))
                continue
            }
            for partition in topic.partitions {
                let tp = GroupTopicPartition(topic: topic.name, partition: partition)
                if offsets[groupId]?.removeValue(forKey: tp) != nil {
                    records.append(.offsetCommit(group: groupId, tp, nil))
                }
            }
            results.append((topic.name, topic.partitions.map { ($0, ErrorCode.none) }))
        }
        if offsets[groupId]?.isEmpty == true { offsets.removeValue(forKey: groupId) }
        return (.none, results, records.isEmpty ? [] : [.append(records)])
    }

    /// The periodic retention check: expired offsets get tombstones, and an Empty group left with
    /// no offsets is deleted.
    public mutating func expireOffsets(now: Int64) -> [GroupEffect] {
        var records: [OffsetsTopicRecord] = []
        var effects: [GroupEffect] = []
        for groupId in groups.keys.sorted() {
            guard var group = groups[groupId] else { continue }
            var allExpired = true
            for (tp, committed) in (offsets[groupId] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard !group.isSubscribed(to: tp.topic), let base = group.expirationBase(for: committed) else {
                    allExpired = false
                    continue
                }
                // Wrapping like Kafka's long arithmetic: a v1 commit timestamp may be any Int64.
                let expired = committed.expireTimestamp.map { now >= $0 } ?? (now &- base >= config.offsetsRetentionMs)
                if expired {
                    offsets[groupId]?.removeValue(forKey: tp)
                    records.append(.offsetCommit(group: groupId, tp, nil))
                } else {
                    allExpired = false
                }
            }
            if offsets[groupId]?.isEmpty == true { offsets.removeValue(forKey: groupId) }
            if allExpired && group.state == .empty && group.pendingMemberIds.isEmpty {
                group.cancelAllTimers(&effects)
                groups.removeValue(forKey: groupId)
                records.append(.groupMetadata(group: groupId, nil))
            }
        }
        for groupId in consumerGroups.keys.sorted() {
            guard var group = consumerGroups[groupId] else { continue }
            var allExpired = true
            for (tp, committed) in (offsets[groupId] ?? [:]).sorted(by: { $0.key < $1.key }) {
                let expired = !group.isSubscribed(to: tp.topic)
                    && (committed.expireTimestamp.map { now >= $0 } ?? (now &- committed.commitTimestamp >= config.offsetsRetentionMs))
                if expired {
                    offsets[groupId]?.removeValue(forKey: tp)
                    records.append(.offsetCommit(group: groupId, tp, nil))
                } else {
                    allExpired = false
                }
            }
            if offsets[groupId]?.isEmpty == true { offsets.removeValue(forKey: groupId) }
            if allExpired && group.members.isEmpty {
                records += ConsumerGroup.records(groupId: groupId, from: group, to: nil)
                group.cancelAllTimers(&effects)
                consumerGroups.removeValue(forKey: groupId)
            }
        }
        if !records.isEmpty { effects.append(.append(records)) }
        effects += scheduleExpiration(now: now)
        return effects
    }
}
