import BrookProtocol

extension KafkaConsumer {
    /// Gives every assigned partition a position: the committed offset (group consumers), else the
    /// reset policy; and performs pending seeks to beginning/end/time.
    func updatePositions() async throws {
        let missing = subscription.withoutPosition
        if !missing.isEmpty {
            var committed: [TopicPartition: GroupRequests.Committed] = [:]
            if config.groupId != nil {
                committed = try await fetchCommitted(missing)
            }
            for partition in missing {
                if let entry = committed[partition], entry.offset >= 0 {
                    subscription.positions[partition] = entry.offset
                    continue
                }
                switch config.autoOffsetReset {
                case .earliest: subscription.pendingLookups[partition] = .earliest
                case .latest: subscription.pendingLookups[partition] = .latest
                case .none:
                    throw KafkaClientError.server(.offsetOutOfRange, message: "no committed offset and auto.offset.reset=none", context: "position of \(partition)")
                }
            }
        }
        let lookups = subscription.pendingLookups
        guard !lookups.isEmpty else { return }
        let resolved = try await listOffsets(lookups)
        for (partition, offset) in resolved where subscription.pendingLookups[partition] == lookups[partition] {
            subscription.pendingLookups[partition] = nil
            subscription.positions[partition] = offset
        }
    }

    /// Looks offsets up with ListOffsets: earliest, latest (LSO for read_committed) or by time;
    /// a time after the last record resolves to the end.
    public func listOffsets(_ specs: [TopicPartition: OffsetSpec]) async throws -> [TopicPartition: Int64] {
        try await OffsetLookup.listOffsets(specs, isolation: config.isolationLevel, cluster: cluster)
    }

    /// The group's committed offsets for `partitions` (-1 when none).
    public func committed(_ partitions: [TopicPartition]) async throws -> [TopicPartition: Int64] {
        try await fetchCommitted(partitions).mapValues(\.offset)
    }

    func fetchCommitted(_ partitions: [TopicPartition]) async throws -> [TopicPartition: GroupRequests.Committed] {
        guard let group = config.groupId else { return [:] }
        let cluster = self.cluster
        return try await withRetries("fetch committed offsets", timeout: config.client.defaultApiTimeout, backoff: cluster.backoff, logger: logger) {
            let connection = try await cluster.groupCoordinator(for: group)
            let version = try connection.version(for: .offsetFetch)
            let request = GroupRequests.offsetFetch(
                group: group, partitions: partitions, requireStable: config.isolationLevel == .readCommitted, version: version)
            let response = try await connection.send(request, version: version)
            do {
                return try GroupRequests.committedOffsets(in: response, group: group, version: version)
            } catch let error as KafkaClientError {
                if error.errorCode?.invalidatesCoordinator == true { await cluster.invalidateCoordinator(for: group) }
                throw error
            }
        }
    }

    /// Commits the current positions of all assigned partitions and waits for the answer.
    public func commit() async throws {
        try await commit(subscription.positions)
    }

    /// Commits `offsets` (the next offset to read, per partition) and waits for the answer.
    public func commit(_ offsets: [TopicPartition: Int64]) async throws {
        guard let group = config.groupId else {
            throw KafkaClientError.invalidConfiguration("committing offsets needs group.id")
        }
        guard !offsets.isEmpty else { return }
        let generation = membership.generation
        let memberId = membership.memberId
        let instance = config.groupInstanceId
        let cluster = self.cluster
        try await withRetries("commit offsets", timeout: config.client.defaultApiTimeout, backoff: cluster.backoff, logger: logger) {
            let connection = try await cluster.groupCoordinator(for: group)
            let request = GroupRequests.offsetCommit(
                group: group, generation: generation, memberId: memberId, groupInstanceId: instance, offsets: offsets)
            let response = try await connection.send(request)
            if let (partition, code) = GroupRequests.commitErrors(in: response).sorted(by: { $0.key < $1.key }).first {
                if code.invalidatesCoordinator { await cluster.invalidateCoordinator(for: group) }
                if code == .rebalanceInProgress || code == .illegalGeneration || code == .unknownMemberId {
                    await self.noteGroupError(code)
                }
                throw KafkaClientError.server(code, message: nil, context: "commit offset of \(partition)")
            }
        }
    }

    /// Starts a commit of the current positions without waiting; failures are logged.
    public func commitAsync() {
        let offsets = subscription.positions
        guard config.groupId != nil, !offsets.isEmpty else { return }
        Task {
            do {
                try await self.commit(offsets)
            } catch {
                self.logger.warning("asynchronous commit failed", metadata: ["error": "\(error)"])
            }
        }
    }

    func maybeAutoCommit() async throws {
        guard config.enableAutoCommit, config.groupId != nil, ContinuousClock.now >= nextAutoCommit else { return }
        nextAutoCommit = .now + config.autoCommitInterval
        commitAsync()
    }
}

/// ListOffsets against partition leaders, shared by the consumer and the admin client.
enum OffsetLookup {
    /// Retries (with fresh metadata) while a leader is unreachable or has moved: right after a
    /// broker dies the cached leader refuses connections until the metadata names the new one.
    static func listOffsets(_ specs: [TopicPartition: OffsetSpec], isolation: IsolationLevel,
                            cluster: KafkaCluster) async throws -> [TopicPartition: Int64] {
        guard !specs.isEmpty else { return [:] }
        let topics = Array(Set(specs.keys.map(\.topic))).sorted()
        let deadline = ContinuousClock.now + cluster.config.defaultApiTimeout
        var attempt = 0
        while true {
            do {
                return try await listOffsetsOnce(specs, isolation: isolation, cluster: cluster)
            } catch let error as KafkaClientError where leaderMoved(error) {
                let delay = cluster.backoff.delay(attempt: attempt)
                guard ContinuousClock.now + delay < deadline else { throw error }
                attempt += 1
                _ = try? await cluster.refreshMetadata(topics: topics)
                try await Task.sleep(for: delay)
            }
        }
    }

    /// Errors that a fresh look at the metadata can cure (not an unknown topic: that answer stands).
    private static func leaderMoved(_ error: KafkaClientError) -> Bool {
        switch error {
        case .connectionFailed, .connectionClosed:
            return true
        case .server(let code, _, _):
            // BROKER_NOT_AVAILABLE: the cached leader has left the broker list (it died) while the
            // cached partition metadata still names it.
            return [.notLeaderOrFollower, .leaderNotAvailable, .fencedLeaderEpoch, .unknownLeaderEpoch, .brokerNotAvailable].contains(code)
        default:
            return false
        }
    }

    private static func listOffsetsOnce(_ specs: [TopicPartition: OffsetSpec], isolation: IsolationLevel,
                                        cluster: KafkaCluster) async throws -> [TopicPartition: Int64] {
        let metadata = try await cluster.metadata(for: Array(Set(specs.keys.map(\.topic))).sorted())
        var byLeader: [Int32: [TopicPartition]] = [:]
        for partition in specs.keys {
            guard let leader = metadata.leader(for: partition) else {
                // A known topic whose partition has no leader right now is between leaders.
                let known = metadata.topics[partition.topic]
                let code = known.map { $0.errorCode == .none && $0.partitions.contains { $0.id == partition.partition }
                    ? .leaderNotAvailable : $0.errorCode } ?? .unknownTopicOrPartition
                throw KafkaClientError.server(code == .none ? .unknownTopicOrPartition : code, message: nil, context: "list offsets of \(partition)")
            }
            byLeader[leader, default: []].append(partition)
        }
        var out: [TopicPartition: Int64] = [:]
        for (leader, partitions) in byLeader.sorted(by: { $0.key < $1.key }) {
            let connection = try await cluster.connection(to: leader)
            let request = ListOffsetsRequest(
                replicaId: -1, isolationLevel: isolation.rawValue,
                topics: Dictionary(grouping: partitions, by: \.topic).sorted { $0.key < $1.key }.map { topic, list in
                    .init(name: topic, partitions: list.sorted().map {
                        .init(partitionIndex: $0.partition, currentLeaderEpoch: -1, timestamp: specs[$0]!.listOffsetsTimestamp)
                    })
                })
            let response = try await connection.send(request)
            var needEnd: [TopicPartition] = []
            for topic in response.topics {
                for entry in topic.partitions {
                    let partition = TopicPartition(topic.name, entry.partitionIndex)
                    try KafkaClientError.check(entry.errorCode, context: "list offsets of \(partition)")
                    if entry.offset < 0, case .timestamp = specs[partition] {
                        needEnd.append(partition)
                    } else {
                        out[partition] = entry.offset
                    }
                }
            }
            if !needEnd.isEmpty {
                let ends = try await listOffsetsOnce(Dictionary(uniqueKeysWithValues: needEnd.map { ($0, OffsetSpec.latest) }),
                                                     isolation: isolation, cluster: cluster)
                out.merge(ends) { $1 }
            }
        }
        return out
    }
}
