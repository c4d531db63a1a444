import BrookCluster
import BrookProtocol
import BrookStorage
import Logging
import NIOCore

/// Copies the partitions this broker follows from one leader broker (Kafka's `ReplicaFetcherThread`):
/// one connection, one Fetch at a time; each answer is applied through `Partition` (append, which
/// completes after fsync, or truncate) before the partitions it names are fetched again. Lost
/// connections are re-established after the backoff. The decisions are `ReplicaFetcherState`'s.
///
/// Everything mutable is confined to `loop`.
final class ReplicaFetcher: @unchecked Sendable {
    let leader: BrokerEndpoint
    let loop: EventLoop
    private let clock: @Sendable () -> Int64
    /// The topic's `file.delete.delay.ms`, for segments the leader's log start leaves behind.
    private let fileDeleteDelayMs: @Sendable (TopicPartition) -> Int64
    private let throttles: ReplicationThrottles
    private let logger: Logger
    private var state: ReplicaFetcherState
    private var partitions: [TopicPartition: Partition] = [:]
    /// The application of an answer under way per partition (these futures never fail).
    private var applying: [TopicPartition: EventLoopFuture<Void>] = [:]
    private var connection: LeaderConnection?
    private var connecting = false
    /// A request, or the application of its answer, is under way.
    private var busy = false
    private var wake: Scheduled<Void>?
    private var stopped = false
    private var stoppedPromise: EventLoopPromise<Void>?

    init(localReplica: Int32, leader: BrokerEndpoint, settings: ReplicaFetcherSettings, loop: EventLoop,
         clock: @escaping @Sendable () -> Int64, fileDeleteDelayMs: @escaping @Sendable (TopicPartition) -> Int64,
         throttles: ReplicationThrottles, logger: Logger) {
        self.leader = leader
        self.loop = loop
        self.clock = clock
        self.fileDeleteDelayMs = fileDeleteDelayMs
        self.throttles = throttles
        var logger = logger
        logger[metadataKey: "brook.leader"] = "\(leader.nodeId)"
        self.logger = logger
        self.state = ReplicaFetcherState(localReplica: localReplica, settings: settings)
    }

    private var settings: ReplicaFetcherSettings { state.settings }
    /// How soon partitions held back by the follower throttle are looked at again.
    static let throttleRecheckMs: Int64 = 100

    /// Starts (or goes on) copying `partition` at `epoch`, from its log end.
    func follow(_ partition: Partition, epoch: Int32) -> EventLoopFuture<Void> {
        partition.followerLogPosition().hop(to: loop).map { position in
            guard !self.stopped else { return }
            self.partitions[partition.topicPartition] = partition
            self.state.follow(partition.topicPartition, leaderEpoch: epoch, logEnd: position.logEnd,
                              lastEpoch: position.lastEpoch)
            self.pump()
        }
    }

    /// Stops copying `tp`; an answer already on its way is ignored. Completes, with whether any
    /// partition is left, once no append or truncation of ours runs on it: a partition changes one
    /// follower operation at a time, also when it moves to another leader's fetcher.
    func unfollow(_ tp: TopicPartition) -> EventLoopFuture<Bool> {
        loop.flatSubmit {
            self.partitions[tp] = nil
            self.state.unfollow(tp)
            let left = !self.state.isEmpty
            return (self.applying[tp] ?? self.loop.makeSucceededVoidFuture()).map { left }
        }
    }

    /// The followed partitions' fetch state (for tests and diagnostics).
    func snapshot() -> EventLoopFuture<[TopicPartition: ReplicaFetcherState.Followed]> {
        loop.submit { self.state.partitions }
    }

    /// Whether a connection is open, a request or append is under way, or a retry is scheduled.
    func activity() -> EventLoopFuture<ReplicaFetcherActivity> {
        loop.submit {
            ReplicaFetcherActivity(connected: self.connection?.isActive ?? false, busy: self.busy || self.connecting,
                                   retryScheduled: self.wake != nil)
        }
    }

    /// Closes the connection and completes once no request or append of ours is left running.
    func stop() -> EventLoopFuture<Void> {
        loop.flatSubmit {
            self.stopped = true
            self.wake?.cancel()
            self.wake = nil
            self.connection?.close()
            let closed = self.connection?.closeFuture ?? self.loop.makeSucceededVoidFuture()
            guard self.busy || self.connecting else { return closed }
            let promise = self.stoppedPromise ?? self.loop.makePromise(of: Void.self)
            self.stoppedPromise = promise
            return promise.futureResult.flatMap { closed }
        }
    }

    // MARK: The loop

    /// Sends the next request when nothing is under way; otherwise waits for the earliest retry.
    private func pump() {
        loop.preconditionInEventLoop()
        guard !stopped else {
            if !busy, !connecting { stoppedPromise?.succeed(()) }
            return
        }
        guard !busy, !connecting else { return }
        wake?.cancel()
        wake = nil
        guard let connection, connection.isActive else {
            connect()
            return
        }
        let now = clock()
        let throttles = self.throttles
        let request = state.nextRequest(now: now) { tp, followed in
            // Kafka's follower throttle: an out-of-sync throttled partition waits while the rate is exceeded.
            throttles.holdsBack(tp, .follower, inSync: followed.isCaughtUp, now: now)
        }
        guard let request else {
            if state.hasHeldBack(now: now) {
                schedulePump(in: Self.throttleRecheckMs)
            } else if let retry = state.nextRetry { schedulePump(in: max(0, retry - now)) }
            return
        }
        busy = true
        let timeout = TimeAmount.milliseconds(settings.requestTimeoutMs + Int64(settings.maxWaitMs))
        connection.send(request, version: 12, as: FetchResponse.self, timeout: timeout).hop(to: loop)
            .flatMap { response in self.apply(response) }
            .whenComplete { result in
                if case .failure(let error) = result {
                    self.logger.debug("fetch failed", metadata: ["error": "\(error)"])
                    self.state.requestFailed(now: self.clock())
                    connection.close()
                }
                self.busy = false
                self.pump()
            }
    }

    private func schedulePump(in delayMs: Int64) {
        wake = loop.scheduleTask(in: .milliseconds(delayMs)) { self.pump() }
    }

    private func connect() {
        guard !state.isEmpty else { return }
        connecting = true
        connection = nil
        LeaderConnection.connect(host: leader.host, port: Int(leader.port), on: loop,
                                 clientId: "brook-replica-fetcher-\(state.localReplica)",
                                 timeout: .milliseconds(settings.requestTimeoutMs),
                                 // A partition's first batch may exceed every byte limit (KIP-74); the leader is trusted.
                                 maxResponseSize: 1 << 30)
            .whenComplete { result in
                self.connecting = false
                switch result {
                case .success(let connection):
                    if self.stopped { connection.close() } else { self.connection = connection }
                    self.pump()
                case .failure(let error):
                    self.logger.debug("could not connect to the leader", metadata: ["error": "\(error)"])
                    if self.stopped { self.pump() } else { self.schedulePump(in: self.settings.backoffMs) }
                }
            }
    }

    /// Applies every partition's answer; completes when all are applied (appends fsynced).
    private func apply(_ response: FetchResponse) -> EventLoopFuture<Void> {
        if response.errorCode != 0 {
            state.requestFailed(now: clock())
            return loop.makeSucceededVoidFuture()
        }
        var applied: [EventLoopFuture<Void>] = []
        for topic in response.responses {
            for data in topic.partitions {
                let tp = TopicPartition(topic: topic.topic, partition: data.partitionIndex)
                if let records = data.records, throttles.isThrottled(tp, .follower) {
                    throttles.record(records.readableBytes, .follower, now: clock())
                }
                let action = state.received(tp, data, now: clock())
                let application = perform(action, tp)
                applying[tp] = application
                application.whenComplete { _ in
                    if self.applying[tp] === application { self.applying[tp] = nil }
                }
                applied.append(application)
            }
        }
        // Partitions the answer left out are fetched again.
        state.answerEnded()
        return EventLoopFuture.andAllComplete(applied, on: loop)
    }

    private func perform(_ action: ReplicaFetcherState.Action, _ tp: TopicPartition) -> EventLoopFuture<Void> {
        guard let partition = partitions[tp] else { return loop.makeSucceededVoidFuture() }
        let change: EventLoopFuture<Int64>
        switch action {
        case .none:
            return loop.makeSucceededVoidFuture()
        case .append(let records, let leaderHighWatermark, let leaderLogStart):
            let delay = fileDeleteDelayMs(tp)
            change = partition.appendAsFollower(records: records, leaderHighWatermark: leaderHighWatermark)
                .flatMap { end in partition.followLeaderLogStart(leaderLogStart, fileDeleteDelayMs: delay).map { end } }
        case .truncateDiverging(let epoch, let endOffset):
            change = partition.truncateAsFollower(divergingEpoch: epoch, leaderEndOffset: endOffset)
        case .truncate(let offset):
            change = partition.truncateAsFollower(to: offset)
        case .truncateFully(let offset):
            change = partition.truncateFullyAsFollower(restartingAt: offset)
        case .askLeaderOffsets:
            return askLeaderOffsets(tp).flatMap { self.perform($0, tp) }
        }
        return change.flatMap { _ in partition.followerLogPosition() }.hop(to: loop)
            .map { position in self.state.logUpdated(tp, logEnd: position.logEnd, lastEpoch: position.lastEpoch) }
            .flatMapError { error in
                self.logger.warning("could not apply the leader's answer",
                                    metadata: ["brook.partition": "\(tp)", "error": "\(error)"])
                return partition.followerLogPosition().hop(to: self.loop).map { position in
                    self.state.applyFailed(tp, directoryOffline: position.directoryOffline, now: self.clock(),
                                           logEnd: position.logEnd, lastEpoch: position.lastEpoch)
                }.recover { _ in
                    self.state.applyFailed(tp, directoryOffline: false, now: self.clock())
                }
            }
    }

    /// ListOffsets earliest and latest from the leader after OFFSET_OUT_OF_RANGE (as Kafka's
    /// follower does). Brook's leader answers "latest" with its high watermark, Kafka's fallback:
    /// everything below it is on the leader's log too.
    private func askLeaderOffsets(_ tp: TopicPartition) -> EventLoopFuture<ReplicaFetcherState.Action> {
        guard let connection, let epoch = state.partitions[tp]?.leaderEpoch else {
            state.applyFailed(tp, directoryOffline: false, now: clock())
            return loop.makeSucceededFuture(.none)
        }
        func ask(_ timestamp: Int64) -> EventLoopFuture<Int64> {
            let request = ListOffsetsRequest(replicaId: state.localReplica, isolationLevel: 0, topics: [
                .init(name: tp.topic, partitions: [.init(partitionIndex: tp.partition, currentLeaderEpoch: epoch,
                                                         timestamp: timestamp)]),
            ])
            return connection.send(request, version: 4, as: ListOffsetsResponse.self,
                                   timeout: .milliseconds(settings.requestTimeoutMs))
                .flatMapThrowing { response in
                    guard let answer = response.topics.first?.partitions.first else { throw LeaderConnectionError.closed }
                    guard answer.errorCode == 0 else { throw ListOffsetsRefused(code: answer.errorCode) }
                    return answer.offset
                }
        }
        return ask(-2).and(ask(-1)).hop(to: loop)
            .map { start, end in self.state.leaderOffsetsReceived(tp, leaderLogStart: start, leaderLogEnd: end) }
            .flatMapErrorThrowing { _ in
                self.state.applyFailed(tp, directoryOffline: false, now: self.clock())
                return .none
            }
    }
}

/// What a fetcher is doing (tests and diagnostics).
struct ReplicaFetcherActivity: Equatable, Sendable {
    var connected: Bool
    var busy: Bool
    var retryScheduled: Bool
}

/// The leader refused ListOffsets for a partition we follow.
struct ListOffsetsRefused: Error {
    var code: Int16
}
