import BrookProtocol
import BrookRecords
import Logging
import NIOCore

/// An asynchronous Kafka producer. Records are batched per partition and sent by a background
/// sender; `send` returns once the broker acknowledged the record, `enqueue` returns once it is
/// buffered and reports the outcome on `deliveryReports`. Call `close()` when done: it flushes and
/// stops the sender.
///
/// ```swift
/// let producer = try KafkaProducer(config: ProducerConfig(client: ClientConfig(bootstrapServers: servers)))
/// let metadata = try await producer.send(ProducerRecord(topic: "events", key: "user-1", value: "hello"))
/// await producer.close()
/// ```
public final class KafkaProducer: Sendable {
    /// The settings this producer runs with.
    public let config: ProducerConfig
    let cluster: KafkaCluster
    let logger: Logger
    let state: Locked<ProducerState>
    let wakeup: Wakeup
    let eventLoop: EventLoop
    private let ownsCluster: Bool
    private let senderTask: Locked<Task<Void, Never>?> = Locked(nil)
    private let reportStream: AsyncStream<[DeliveryReport]>

    /// A producer with its own connections.
    public convenience init(config: ProducerConfig) throws {
        try self.init(config: config, cluster: KafkaCluster(config: config.client), ownsCluster: true)
    }

    /// A producer sharing `cluster`'s connections and metadata; closing it leaves the cluster open.
    public convenience init(config: ProducerConfig, cluster: KafkaCluster) throws {
        try self.init(config: config, cluster: cluster, ownsCluster: false)
    }

    private init(config: ProducerConfig, cluster: KafkaCluster, ownsCluster: Bool) throws {
        guard config.batchSize <= config.maxRequestSize else {
            throw KafkaClientError.invalidConfiguration("batch.size (\(config.batchSize)) exceeds max.request.size (\(config.maxRequestSize))")
        }
        if config.transactionalId != nil, !config.enableIdempotence || config.acks != .all {
            throw KafkaClientError.invalidConfiguration("transactional.id needs enable.idempotence=true and acks=all")
        }
        self.config = config
        self.cluster = cluster
        self.ownsCluster = ownsCluster
        var logger = cluster.logger
        logger[metadataKey: "brook.component"] = "producer"
        self.logger = logger
        eventLoop = cluster.group.next()
        wakeup = Wakeup(eventLoop: eventLoop)
        let (stream, continuation) = AsyncStream.makeStream(of: [DeliveryReport].self)
        reportStream = stream
        var initial = ProducerState(config: config)
        initial.reports = continuation
        state = Locked(initial)
        let task = Task { [self] in await self.runSender() }
        senderTask.withLock { $0 = task }
    }

    /// Outcomes of records given to `enqueue`, in completion order. Iterate it from one task; it
    /// finishes when the producer is closed. Reports queue up until read, so a program using
    /// `enqueue` should read them.
    public var deliveryReports: DeliveryReports { DeliveryReports(batches: reportStream) }

    /// The same reports as `deliveryReports`, as they travel: one array per acknowledged batch.
    /// Cheaper per record for very high rates. Iterate this or `deliveryReports`, not both.
    public var deliveryReportBatches: AsyncStream<[DeliveryReport]> { reportStream }

    /// Sends `record` and returns where it was written once the broker acknowledged it.
    public func send(_ record: ProducerRecord) async throws -> RecordMetadata {
        let size = try prepare(record)
        let deadline = NIODeadline.now() + config.maxBlock.timeAmount
        while true {
            try Task.checkCancellation()
            do {
                return try await withCheckedThrowingContinuation { continuation in
                    let outcome = state.withLock {
                        $0.accept(record, size: size, completion: .awaiting(continuation), now: .now())
                    }
                    switch outcome {
                    case .accepted(let wake):
                        if wake { wakeup.signal() }
                    case .needsMetadata:
                        continuation.resume(throwing: NotAccepted.needsMetadata)
                    case .needsMemory:
                        continuation.resume(throwing: NotAccepted.needsMemory)
                    case .rejected(let error):
                        continuation.resume(throwing: error)
                    }
                }
            } catch let reason as NotAccepted {
                try await resolve(reason, topic: record.topic, size: size, deadline: deadline)
            }
        }
    }

    /// Buffers `record` for sending and returns; the outcome arrives on `deliveryReports`.
    /// Suspends while the buffer is full (back-pressure) or metadata for a new topic is loading.
    public func enqueue(_ record: ProducerRecord) async throws {
        let size = try prepare(record)
        var deadline: NIODeadline?
        while true {
            let outcome = state.withLock {
                $0.accept(record, size: size, completion: .report, now: .now())
            }
            switch outcome {
            case .accepted(let wake):
                if wake { wakeup.signal() }
                return
            case .needsMetadata, .needsMemory:
                try Task.checkCancellation()
                let limit = deadline ?? NIODeadline.now() + config.maxBlock.timeAmount
                deadline = limit
                try await resolve(
                    outcomeIsMemory(outcome) ? .needsMemory : .needsMetadata, topic: record.topic, size: size, deadline: limit)
            case .rejected(let error):
                throw error
            }
        }
    }

    /// Buffers `record` if that needs no waiting and returns true; returns false when the buffer is
    /// full or the topic's metadata is not loaded yet (call `enqueue` then, which waits). The
    /// outcome arrives on `deliveryReports`. For tight loops: no suspension on the fast path.
    public func tryEnqueue(_ record: ProducerRecord) throws -> Bool {
        let size = try prepare(record)
        let outcome = state.withLock { $0.accept(record, size: size, completion: .report, now: .now()) }
        switch outcome {
        case .accepted(let wake):
            if wake { wakeup.signal() }
            return true
        case .needsMetadata, .needsMemory:
            return false
        case .rejected(let error):
            throw error
        }
    }

    /// Sends everything buffered now and returns once every outstanding record is complete.
    public func flush() async {
        state.withLock { $0.flushRequests += 1 }
        wakeup.signal()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.accumulator.outstandingRecords == 0 { return true }
                state.flushWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        state.withLock { $0.flushRequests -= 1 }
    }

    /// Stops accepting records, sends what is buffered (waiting at most `timeout`), fails what could
    /// not be sent with `closed`, and ends the delivery-report stream.
    public func close(timeout: Duration = .seconds(30)) async {
        state.withLock { $0.isClosing = true }
        let flushed = await withTaskGroup(of: Bool.self) { group -> Bool in
            group.addTask { await self.flush(); return true }
            group.addTask { try? await Task.sleep(for: timeout); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        let starting = state.withLock { state -> Bool in
            state.isStopping = true
            if !flushed { state.abandon = true }
            return !state.idempotenceReady
        }
        wakeup.signal()
        let sender = senderTask.withLock { $0 }
        // Still asking for a producer id (brokers unreachable): nothing was sent, stop asking.
        if starting || !flushed { sender?.cancel() }
        await sender?.value
        if !flushed { failEverythingQueued() }
        let reports = state.withLock { state -> AsyncStream<[DeliveryReport]>.Continuation? in
            defer { state.reports = nil }
            return state.reports
        }
        reports?.finish()
        if ownsCluster { await cluster.close() }
    }

    // MARK: Internals

    /// Why a record was not accepted on the fast path.
    enum NotAccepted: Error {
        case needsMetadata
        case needsMemory
    }

    private func outcomeIsMemory(_ outcome: ProducerState.AcceptOutcome) -> Bool {
        if case .needsMemory = outcome { return true }
        return false
    }

    private func prepare(_ record: ProducerRecord) throws -> Int {
        guard !record.topic.isEmpty else { throw KafkaClientError.invalidArgument("topic name is empty") }
        let size = PendingRecord.estimateSize(key: record.key, value: record.value, headers: record.headers)
        guard size + RecordBatchHeader.size + 100 <= config.maxRequestSize else {
            throw KafkaClientError.server(.messageTooLarge, message: "record of \(size) bytes exceeds max.request.size \(config.maxRequestSize)", context: "produce to \(record.topic)")
        }
        guard size <= config.bufferMemory else {
            throw KafkaClientError.invalidArgument("record of \(size) bytes exceeds buffer.memory \(config.bufferMemory)")
        }
        return size
    }

    private func resolve(_ reason: NotAccepted, topic: String, size: Int, deadline: NIODeadline) async throws {
        switch reason {
        case .needsMetadata: try await loadMetadata(for: topic, deadline: deadline)
        case .needsMemory: try await waitForMemory(size: size, deadline: deadline)
        }
    }

    /// Fetches metadata for a topic not seen before (auto-creating it where the broker allows),
    /// retrying while the topic or its leaders are not ready, until `deadline`.
    private func loadMetadata(for topic: String, deadline: NIODeadline) async throws {
        var attempt = 0
        while true {
            let metadata = try await cluster.metadata(for: [topic], allowAutoCreation: true)
            if metadata.partitionCount(of: topic) != nil {
                state.withLock { $0.apply(metadata, topics: [topic]) }
                return
            }
            let code = metadata.topics[topic]?.errorCode ?? .unknownTopicOrPartition
            let delay = cluster.backoff.delay(attempt: attempt)
            guard code.isRetriable || code == .none, NIODeadline.now() + delay.timeAmount < deadline else {
                throw KafkaClientError.server(code == .none ? .unknownTopicOrPartition : code, message: nil, context: "metadata for \(topic)")
            }
            attempt += 1
            try await Task.sleep(for: delay)
            try await cluster.refreshMetadata(topics: [topic], allowAutoCreation: true)
        }
    }

    /// Waits until buffered records are acknowledged and free memory, or `deadline` passes.
    private func waitForMemory(size: Int, deadline: NIODeadline) async throws {
        let id = state.withLock { state -> Int in
            state.nextWaiterId += 1
            return state.nextWaiterId
        }
        let timer = eventLoop.scheduleTask(deadline: deadline) { [state] in
            let waiter = state.withLock { $0.memoryWaiters.removeValue(forKey: id) }
            waiter?.resume(throwing: KafkaClientError.timedOut("buffer.memory full for max.block.ms"))
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let fits = state.withLock { state -> Bool in
                    if state.usedMemory == 0 || state.usedMemory + size <= state.bufferMemory { return true }
                    state.memoryWaiters[id] = continuation
                    return false
                }
                if fits { continuation.resume() }
            }
        } onCancel: { [state] in
            let waiter = state.withLock { $0.memoryWaiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func failEverythingQueued() {
        let batches = state.withLock { $0.accumulator.removeAllQueued() }
        for batch in batches { fail(batch, error: .closed, removed: true) }
    }
}
