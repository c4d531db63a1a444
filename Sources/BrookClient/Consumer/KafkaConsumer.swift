import BrookProtocol
import Logging
import NIOCore

/// An asynchronous Kafka consumer. Either `assign` partitions yourself or `subscribe` to topics as
/// a member of `groupId` (classic group protocol: the group spreads partitions over its members).
/// Read with `poll`, or iterate `records`:
///
/// ```swift
/// let consumer = try KafkaConsumer(config: ConsumerConfig(client: client, groupId: "billing"))
/// try await consumer.subscribe(["invoices"])
/// for try await record in consumer.records {
///     print(record.offset, String(buffer: record.value!))
/// }
/// ```
public actor KafkaConsumer {
    /// The settings this consumer runs with.
    public nonisolated let config: ConsumerConfig
    let cluster: KafkaCluster
    let logger: Logger
    private let ownsCluster: Bool
    var subscription = SubscriptionState()
    var membership = GroupMembership()
    var heartbeatTask: Task<Void, Never>?
    var pollTimer: PollTimer
    /// The member left the group because `poll` was not called within `max.poll.interval.ms`.
    var leftForPollTimeout = false
    var nextAutoCommit: ContinuousClock.Instant
    var isClosed = false

    /// A consumer with its own connections.
    public init(config: ConsumerConfig) throws {
        try self.init(config: config, cluster: KafkaCluster(config: config.client), ownsCluster: true)
    }

    /// A consumer sharing `cluster`'s connections and metadata; closing it leaves the cluster open.
    public init(config: ConsumerConfig, cluster: KafkaCluster) throws {
        try self.init(config: config, cluster: cluster, ownsCluster: false)
    }

    private init(config: ConsumerConfig, cluster: KafkaCluster, ownsCluster: Bool) throws {
        guard !config.assignors.isEmpty else { throw KafkaClientError.invalidConfiguration("no partition assignor configured") }
        self.config = config
        self.cluster = cluster
        self.ownsCluster = ownsCluster
        var logger = cluster.logger
        logger[metadataKey: "brook.component"] = "consumer"
        if let group = config.groupId { logger[metadataKey: LogKeys.group] = "\(group)" }
        self.logger = logger
        nextAutoCommit = .now + config.autoCommitInterval
        pollTimer = PollTimer(interval: config.maxPollInterval)
    }

    // MARK: Assignment

    /// Reads exactly `partitions` (no group membership). Replaces any earlier assignment.
    public func assign(_ partitions: [TopicPartition]) throws {
        try checkOpen()
        if case .subscribed = subscription.mode {
            throw KafkaClientError.invalidArgument("assign() after subscribe(); unsubscribe first")
        }
        subscription.mode = partitions.isEmpty ? .none : .assigned
        subscription.assign(partitions)
    }

    /// Joins `groupId` and reads the partitions of `topics` the group assigns to this member.
    public func subscribe(_ topics: [String]) throws {
        try checkOpen()
        guard config.groupId != nil else {
            throw KafkaClientError.invalidConfiguration("subscribe() needs group.id")
        }
        guard !topics.isEmpty else { throw KafkaClientError.invalidArgument("subscribe() needs at least one topic") }
        if subscription.mode == .assigned {
            throw KafkaClientError.invalidArgument("subscribe() after assign(); unassign first")
        }
        subscription.mode = .subscribed(Array(Set(topics)).sorted())
        membership.requestRejoin()
    }

    /// Leaves the group (committing first when auto-commit is on) or drops the manual assignment.
    public func unsubscribe() async {
        if case .subscribed = subscription.mode {
            await leaveGroup()
        }
        subscription = SubscriptionState()
    }

    /// The partitions currently assigned.
    public var assignment: [TopicPartition] { subscription.assignment }

    /// The member id and generation in the group, when joined.
    public var groupGeneration: (memberId: String, generation: Int32)? {
        membership.generation >= 0 ? (membership.memberId, membership.generation) : nil
    }

    // MARK: Positions

    /// Makes the next read of `partition` start at `offset`.
    public func seek(_ partition: TopicPartition, to offset: Int64) throws {
        try checkAssigned(partition)
        subscription.pendingLookups[partition] = nil
        subscription.positions[partition] = offset
    }

    /// Makes the next read start at the log start (earliest), end (latest) or a timestamp.
    public func seek(_ partitions: [TopicPartition], to spec: OffsetSpec) throws {
        for partition in partitions {
            try checkAssigned(partition)
            subscription.positions[partition] = nil
            subscription.pendingLookups[partition] = spec
        }
    }

    /// The next offset to be read from `partition`, looking it up (committed offset or reset policy) if unknown.
    public func position(_ partition: TopicPartition) async throws -> Int64 {
        try checkAssigned(partition)
        try await updatePositions()
        guard let position = subscription.positions[partition] else {
            throw KafkaClientError.server(.offsetNotAvailable, message: nil, context: "position of \(partition)")
        }
        return position
    }

    /// Stops fetching `partitions` until resumed; their positions are kept.
    public func pause(_ partitions: [TopicPartition]) throws {
        for partition in partitions { try checkAssigned(partition) }
        subscription.paused.formUnion(partitions)
    }

    /// Fetches `partitions` again.
    public func resume(_ partitions: [TopicPartition]) {
        subscription.paused.subtract(partitions)
    }

    /// The partitions currently paused.
    public var paused: Set<TopicPartition> { subscription.paused }

    /// The high watermark (or, read_committed, last stable offset) seen in the latest fetch of `partition`.
    public func endOffset(seenFor partition: TopicPartition) -> Int64? {
        subscription.endOffset(partition, isolation: config.isolationLevel)
    }

    /// Whether every assigned partition's position has reached the end seen in its latest fetch
    /// (what `kcat -e` and `brook consume -e` wait for). False while any partition was never fetched.
    public var reachedEndOfAllPartitions: Bool {
        guard !subscription.assignment.isEmpty else { return false }
        return subscription.assignment.allSatisfy { partition in
            guard let end = subscription.endOffset(partition, isolation: config.isolationLevel),
                  let position = subscription.positions[partition] else { return false }
            return position >= end
        }
    }

    // MARK: Reading

    /// The records available within `timeout`: joins/rejoins the group when needed, looks up missing
    /// positions, auto-commits when due, and long-polls the leaders. Empty when nothing arrived.
    /// A group member must call it at least every `max.poll.interval.ms`, or it leaves the group
    /// and its partitions go to other members; the next poll joins again.
    public func poll(timeout: Duration = .seconds(1)) async throws -> [ConsumerRecord] {
        try checkOpen()
        pollTimer.pollStarted()
        defer { pollTimer.pollEnded(at: .now) }
        let deadline = ContinuousClock.now + timeout
        if case .subscribed = subscription.mode {
            try await ensureActiveGroup(deadline: deadline)
        }
        try await maybeAutoCommit()
        try await updatePositions()
        let fetchable = subscription.fetchable
        guard !fetchable.isEmpty else {
            let pause = min(deadline - .now, .milliseconds(100))
            if pause > .zero { try await Task.sleep(for: pause) }
            return []
        }
        let remaining = deadline - ContinuousClock.now
        let wait = max(.zero, min(config.fetchMaxWait, remaining))
        return try await fetch(fetchable, maxWait: wait)
    }

    /// The records, as an asynchronous sequence that polls as it goes. Ends when the consumer is closed.
    public nonisolated var records: ConsumerRecordSequence { ConsumerRecordSequence(consumer: self) }

    // MARK: Lifecycle

    /// Commits (with auto-commit on), leaves the group and closes connections this consumer owns.
    public func close() async {
        guard !isClosed else { return }
        if case .subscribed = subscription.mode {
            await leaveGroup()
        } else if config.enableAutoCommit, config.groupId != nil, !subscription.positions.isEmpty {
            try? await commit()
        }
        isClosed = true
        heartbeatTask?.cancel()
        heartbeatTask = nil
        if ownsCluster { await cluster.close() }
    }

    func checkOpen() throws {
        if isClosed { throw KafkaClientError.closed }
    }

    private func checkAssigned(_ partition: TopicPartition) throws {
        try checkOpen()
        guard subscription.assignment.contains(partition) else {
            throw KafkaClientError.invalidArgument("\(partition) is not assigned to this consumer")
        }
    }
}

/// The records of a `KafkaConsumer` as an `AsyncSequence`: each step hands out one record from
/// the last poll, polling again when they are used up. Iterate from one task at a time.
public struct ConsumerRecordSequence: AsyncSequence, Sendable {
    public typealias Element = ConsumerRecord
    let consumer: KafkaConsumer

    public func makeAsyncIterator() -> Iterator { Iterator(consumer: consumer) }

    /// Iterator over polled records.
    public struct Iterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer
        var buffer: [ConsumerRecord] = []
        var index = 0

        public mutating func next() async throws -> ConsumerRecord? {
            while index >= buffer.count {
                try Task.checkCancellation()
                do {
                    buffer = try await consumer.poll(timeout: .seconds(1))
                } catch KafkaClientError.closed {
                    return nil
                }
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}
