import BrookClient
import BrookSchemas
import Logging
import NIOCore

/// Runs one source task (Kafka's `WorkerSourceTask`, and `ExactlyOnceWorkerSourceTask` with
/// `transaction.boundary=poll`): poll → transforms → converters → produce, with source offsets
/// written to the offset store once their records are acknowledged.
actor SourceTaskLoop: ErrorHandlingLoop {
    /// Kafka's SEND_FAILED_BACKOFF_MS, also used after a retriable poll error.
    static let sendRetryBackoff: Duration = .milliseconds(100)

    let taskID: ConnectTaskID
    var tolerance: RetryWithTolerance
    let reporter: ErrorReporter
    let startedAt = ContinuousClock.now

    private let task: any SourceTask
    private let taskConfig: [String: String]
    private let connectorConfig: [String: String]
    private let environment: WorkerTaskEnvironment
    /// Topics this task has used, so the worker hears of each once.
    private var seenTopics: Set<String> = []
    private let settings: WorkerSettings
    private let converters: WorkerConverters
    private let chain: TransformationChain
    private let logger: Logger
    private let exactlyOnce: Bool

    private var producer: KafkaProducer?
    private var reportsReader: Task<Void, Never>?
    private var submitted = SubmittedRecords()
    /// Offsets taken from `submitted` and not yet written (kept across a failed write).
    private var unwritten: [JSONValue: JSONValue?] = [:]
    private var producerFailure: ConnectTaskFailure?
    private var taskStarted = false
    private var transactionOpen = false
    /// Exactly-once: the offsets of the open transaction's records, written just before its commit.
    private var pendingTransactionOffsets: [(partition: JSONValue, offset: JSONValue?)] = []

    init(id: ConnectTaskID, connectorConfig: [String: String], taskConfig: [String: String], task: any SourceTask,
         environment: WorkerTaskEnvironment) throws {
        taskID = id
        self.task = task
        self.taskConfig = taskConfig
        self.connectorConfig = connectorConfig
        self.environment = environment
        var logger = environment.logger
        logger[metadataKey: "connect.task"] = "\(id)"
        self.logger = logger
        settings = try WorkerSettings(workerConfig: environment.workerConfig)
        let errors = try ErrorHandlingConfig(connectorConfig: connectorConfig)
        tolerance = RetryWithTolerance(config: errors)
        reporter = ErrorReporter(config: errors, deadLetterQueue: nil, logger: logger)
        converters = try WorkerConverters(connectorConfig: connectorConfig, workerConfig: environment.workerConfig, registry: environment.registry)
        switch TransformationChain.build(from: connectorConfig) {
        case .success(let built): chain = built
        case .failure(let problems): throw problems.errors.first ?? ConnectConfigError(key: "transforms", message: "invalid transforms")
        }
        let required = connectorConfig["exactly.once.support"]?.trimmingASCIISpaces.lowercased() == "required"
        if required, !settings.exactlyOnceSource {
            throw ConnectTaskFailure("This worker does not have exactly-once source support enabled.")
        }
        exactlyOnce = settings.exactlyOnceSource
        if exactlyOnce, let boundary = connectorConfig["transaction.boundary"], boundary.trimmingASCIISpaces.lowercased() != "poll" {
            throw ConnectTaskFailure("transaction.boundary=\(boundary) is not supported by Brook; only poll is")
        }
    }

    // MARK: Lifecycle

    /// Opens the producer (registering the transactional id in exactly-once mode) and starts the task.
    func start() async throws {
        try await environment.offsets.start()
        var config = ProducerConfig(client: environment.client)
        config.acks = .all
        config.enableIdempotence = true
        if exactlyOnce { config.transactionalId = "\(settings.groupID)-\(taskID.connector)-\(taskID.task)" }
        let producer = try KafkaProducer(config: config, cluster: environment.cluster)
        self.producer = producer
        reportsReader = Task { [weak self] in
            for await batch in producer.deliveryReportBatches {
                await self?.delivered(batch)
            }
        }
        if exactlyOnce { try await producer.initTransactions() }
        taskStarted = true
        do {
            try await task.start(config: taskConfig, context: WorkerSourceTaskContext(taskID: taskID, client: environment.client, offsets: environment.offsets))
        } catch {
            throw ConnectTaskFailure("Source task \(taskID) failed to start", cause: error)
        }
    }

    /// Polls and sends until the calling task is cancelled (then returns) or a failure (thrown).
    func run() async throws {
        var nextFlush = nowMs + settings.offsetFlushIntervalMs
        while !Task.isCancelled {
            if let producerFailure { throw producerFailure }
            if !exactlyOnce, nowMs >= nextFlush {
                await commitOffsets()
                nextFlush = nowMs + settings.offsetFlushIntervalMs
            }
            let pollStarted = nowMs
            let records: [SourceRecord]
            do {
                records = try await task.poll()
            } catch let error as RetriableConnectError {
                logger.warning("\(taskID) failed to poll records from SourceTask. Will retry operation.", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: Self.sendRetryBackoff)
                continue
            } catch {
                if Task.isCancelled { break }
                throw ConnectTaskFailure("\(taskID) threw an uncaught and unrecoverable exception in poll", stage: .taskPoll, cause: error)
            }
            if records.isEmpty {
                // A task that returns at once with nothing must not make the loop spin.
                if nowMs - pollStarted < 10 { try? await Task.sleep(for: .milliseconds(100)) }
                continue
            }
            if exactlyOnce {
                try await sendInTransaction(records)
            } else {
                try await send(records)
            }
        }
    }

    /// Stops cleanly: waits for outstanding acknowledgements (within `offset.flush.timeout.ms`),
    /// writes their offsets (or commits the open transaction), then stops the task. Runs in its own
    /// unstructured task so the caller's cancellation does not cut it short.
    func stop(failed: Bool) async {
        await Task { await self.finish(failed: failed) }.value
    }

    private func finish(failed: Bool) async {
        if let producer {
            if exactlyOnce {
                if transactionOpen {
                    if failed {
                        try? await producer.abortTransaction()
                    } else {
                        await commitOpenTransaction()
                    }
                }
            } else {
                await waitForAcknowledgements(producer)
                await commitOffsets()
            }
        }
        if taskStarted { await task.stop() }
        await producer?.close(timeout: .seconds(5))
        await reportsReader?.value
        producer = nil
    }

    // MARK: At-least-once

    private func send(_ records: [SourceRecord]) async throws {
        guard let producer else { return }
        for source in records {
            guard let record = try await convert(source) else {
                // Dropped (filtered or skipped): its offset counts as done.
                if let partition = source.sourcePartition {
                    submitted.acknowledge(submitted.submit(partition: partition, offset: source.sourceOffset))
                }
                continue
            }
            while true {
                if let producerFailure { throw producerFailure }
                let id = source.sourcePartition.map { submitted.submit(partition: $0, offset: source.sourceOffset) }
                var outgoing = record
                outgoing.opaque = id ?? -1
                do {
                    try await producer.enqueue(outgoing)
                    await noteTopic(outgoing.topic)
                    break
                } catch {
                    if let id { submitted.drop(id) }
                    if error is CancellationError || Task.isCancelled { return }
                    guard Self.isRetriable(error) else {
                        throw ConnectTaskFailure("Unrecoverable exception trying to send", stage: .kafkaProduce, cause: error)
                    }
                    logger.warning("\(taskID) Failed to send record to topic '\(record.topic)'. Backing off before retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: Self.sendRetryBackoff)
                    if Task.isCancelled { return }
                }
            }
        }
    }

    private func delivered(_ reports: [DeliveryReport]) async {
        for report in reports {
            let id = report.opaque.flatMap { $0 >= 0 ? $0 : nil }
            switch report.result {
            case .success:
                if let id { submitted.acknowledge(id) }
            case .failure(let error):
                if exactlyOnce { continue }  // surfaces again from commitTransaction
                if tolerance.config.tolerance == .all {
                    logger.error("\(taskID) failed to send record to \(report.topicPartition.topic)", metadata: ["error": "\(error)"])
                    try? await failed(.kafkaProduce, "org.apache.kafka.connect.runtime.WorkerSourceTask", error: error, original: .none)
                    if let id { submitted.acknowledge(id) }
                } else if producerFailure == nil {
                    producerFailure = ConnectTaskFailure("Unrecoverable exception from producer send callback", stage: .kafkaProduce, cause: error)
                }
            }
        }
    }

    private func waitForAcknowledgements(_ producer: KafkaProducer) async {
        let deadline = ContinuousClock.now + .milliseconds(settings.offsetFlushTimeoutMs)
        let flushed = await withTaskGroup(of: Bool.self) { group -> Bool in
            group.addTask { await producer.flush(); return true }
            group.addTask { try? await Task.sleep(until: deadline); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        // The reports of what the flush completed are handled on this actor a moment later.
        while flushed, submitted.outstanding > 0, ContinuousClock.now < deadline, producerFailure == nil {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if submitted.outstanding > 0 {
            logger.error("\(taskID) \(submitted.outstanding) records were not acknowledged within offset.flush.timeout.ms; their offsets are not written")
        }
    }

    /// Writes the offsets every acknowledged record allows, then tells the task (`commit()`).
    private func commitOffsets() async {
        for (partition, offset) in submitted.committableOffsets() { unwritten[partition] = offset }
        if !unwritten.isEmpty {
            let records = unwritten.map { ConnectOffsetRecord(connector: taskID.connector, partition: $0.key, offset: $0.value) }
            do {
                try await environment.offsets.write(records)
                unwritten = [:]
            } catch {
                logger.error("\(taskID) Failed to commit offsets", metadata: ["error": "\(error)"])
                return
            }
        }
        do {
            try await task.commit()
        } catch {
            logger.error("\(taskID) Exception thrown while calling task.commit()", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Exactly-once

    /// One transaction per poll: the records, then the offsets of every record of the poll (sent or
    /// dropped) to the offsets topic (partitioned by key hash like Kafka's offset writer), then commit.
    private func sendInTransaction(_ records: [SourceRecord]) async throws {
        guard let producer else { return }
        if !transactionOpen {
            try producer.beginTransaction()
            transactionOpen = true
            pendingTransactionOffsets = []
        }
        for source in records {
            guard let record = try await convert(source) else {
                rememberInTransaction(source)
                continue
            }
            if record.topic == environment.offsets.topicName {
                throw ConnectTaskFailure("Source tasks may not produce to their own offsets topics when exactly-once support is enabled")
            }
            while true {
                do {
                    try await producer.enqueue(record)
                    await noteTopic(record.topic)
                    break
                } catch {
                    // Stopping: what was dispatched so far commits with its offsets (finish()).
                    if error is CancellationError || Task.isCancelled { throw CancellationError() }
                    guard Self.isRetriable(error) else {
                        throw ConnectTaskFailure("Unrecoverable exception trying to send", stage: .kafkaProduce, cause: error)
                    }
                    try? await Task.sleep(for: Self.sendRetryBackoff)
                }
            }
            rememberInTransaction(source)
        }
        try await commitTransaction(producer)
    }

    /// The record was dispatched (or dropped): its offset joins the open transaction.
    private func rememberInTransaction(_ source: SourceRecord) {
        guard let partition = source.sourcePartition else { return }
        pendingTransactionOffsets.removeAll { $0.partition == partition }
        pendingTransactionOffsets.append((partition, source.sourceOffset))
    }

    private func commitTransaction(_ producer: KafkaProducer) async throws {
        do {
            for (partition, offset) in pendingTransactionOffsets {
                let record = ConnectOffsetRecord(connector: taskID.connector, partition: partition, offset: offset)
                try await producer.enqueue(ProducerRecord(topic: environment.offsets.topicName, key: record.key, value: record.value))
            }
            try await producer.commitTransaction()
            transactionOpen = false
            pendingTransactionOffsets = []
        } catch {
            throw ConnectTaskFailure("Failed to flush offsets and/or records for task \(taskID)", stage: .kafkaProduce, cause: error)
        }
        do {
            try await task.commit()
        } catch {
            logger.error("\(taskID) Exception thrown while calling task.commit()", metadata: ["error": "\(error)"])
        }
    }

    private func commitOpenTransaction() async {
        guard let producer else { return }
        do {
            try await commitTransaction(producer)
        } catch {
            logger.error("\(taskID) final transaction failed", metadata: ["error": "\(error)"])
            try? await producer.abortTransaction()
        }
    }

    // MARK: Records

    /// Transforms then converts a record (AbstractWorkerSourceTask.sendRecords); nil when it is
    /// dropped by a transform or skipped after a tolerated error.
    private func convert(_ source: SourceRecord) async throws -> ProducerRecord? {
        var record = source.record
        let describe = { Self.describe(source) }
        for stage in chain.stages {
            let current = record
            guard let outcome = try await execute(.transformation, stage.className(in: connectorConfig), original: .source(describe()), {
                try stage.apply(current)
            }) else { return nil }
            guard let next = outcome else { return nil }
            record = next
        }
        let transformed = record
        let converters = self.converters
        guard let headers = try await execute(.headerConverter, converters.headerClass, original: .source(describe()), {
            try transformed.headers.map { header in
                KafkaHeader(key: header.key, value: try converters.header.fromConnectHeader(
                    topic: transformed.topic, headerKey: header.key, schema: header.schema, value: header.value).map { ByteBuffer(bytes: $0) })
            }
        }) else { return nil }
        guard let key = try await execute(.keyConverter, converters.keyClass, original: .source(describe()), {
            try await converters.key.fromConnectData(topic: transformed.topic, schema: transformed.keySchema, value: transformed.key)
        }) else { return nil }
        guard let value = try await execute(.valueConverter, converters.valueClass, original: .source(describe()), {
            try await converters.value.fromConnectData(topic: transformed.topic, schema: transformed.valueSchema, value: transformed.value)
        }) else { return nil }
        return ProducerRecord(topic: transformed.topic, partition: transformed.kafkaPartition, key: key, value: value, headers: headers,
                              timestamp: transformed.timestamp)
    }

    /// Kafka's `SourceRecord.toString` shape, for the error log.
    static func describe(_ source: SourceRecord) -> String {
        let record = source.record
        return "SourceRecord{sourcePartition=\(source.sourcePartition.map { $0.text(sortingKeys: false) } ?? "null"), "
            + "sourceOffset=\(source.sourceOffset.map { $0.text(sortingKeys: false) } ?? "null")} "
            + "ConnectRecord{topic='\(record.topic)', kafkaPartition=\(record.kafkaPartition.map(String.init) ?? "null"), "
            + "key=\(record.key), value=\(record.value), timestamp=\(record.timestamp.map(String.init) ?? "null")}"
    }
}

extension SourceTaskLoop {
    /// Tells the worker the first time this task uses `topic`.
    fileprivate func noteTopic(_ topic: String) async {
        guard seenTopics.insert(topic).inserted else { return }
        await environment.topicUsed(taskID, topic)
    }
}
