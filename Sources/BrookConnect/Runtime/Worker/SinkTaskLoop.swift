import BrookClient
import Logging
import NIOCore

/// Runs one sink task (Kafka's `WorkerSinkTask`): a consumer in group `connect-<connector>` reads
/// `topics` (or `topics.regex`); each record is converted, transformed and handed to `put` in
/// batches; every `offset.flush.interval.ms`, on revocation and at stop the task flushes and the
/// offsets of what it was given are committed.
actor SinkTaskLoop: ErrorHandlingLoop {
    /// How long a batch waits before it is handed again after a `RetriableConnectError`.
    static let redeliveryBackoff: Duration = .milliseconds(500)
    /// How often `topics.regex` is matched against the cluster's topics again.
    static let regexRefreshMs: Int64 = 5_000

    let taskID: ConnectTaskID
    var tolerance: RetryWithTolerance
    var reporter: ErrorReporter
    let startedAt = ContinuousClock.now

    private let task: any SinkTask
    private let taskConfig: [String: String]
    private let connectorConfig: [String: String]
    private let environment: WorkerTaskEnvironment
    /// Topics this task has used, so the worker hears of each once.
    private var seenTopics: Set<String> = []
    private let settings: WorkerSettings
    private let errors: ErrorHandlingConfig
    private let converters: WorkerConverters
    private let chain: TransformationChain
    private let logger: Logger
    private let topics: [String]
    private let topicsRegex: JavaRegex?

    private var consumer: KafkaConsumer?
    private var subscribed: [String] = []
    private var taskStarted = false
    /// Next offsets of everything consumed and converted, not yet put.
    private var pendingOffsets: [TopicPartition: Int64] = [:]
    /// Next offsets of everything put (Kafka's currentOffsets) and last committed.
    private var currentOffsets: [TopicPartition: Int64] = [:]
    private var committedOffsets: [TopicPartition: Int64] = [:]
    /// A batch `put` asked to be handed again.
    private var redelivery: [ConnectRecord]?
    /// The consumed records of the batch being put, by (topic, partition, offset), for errant reports.
    private var originals: [RecordPosition: ConnectErrorContext.ConsumedRecord] = [:]
    private var errantFailure: ConnectTaskFailure?

    private struct RecordPosition: Hashable {
        var topic: String
        var partition: Int32
        var offset: Int64
    }

    init(id: ConnectTaskID, connectorConfig: [String: String], taskConfig: [String: String], task: any SinkTask,
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
        errors = try ErrorHandlingConfig(connectorConfig: connectorConfig)
        tolerance = RetryWithTolerance(config: errors)
        reporter = ErrorReporter(config: errors, deadLetterQueue: nil, logger: logger)
        converters = try WorkerConverters(connectorConfig: connectorConfig, workerConfig: environment.workerConfig, registry: environment.registry)
        switch TransformationChain.build(from: connectorConfig) {
        case .success(let built): chain = built
        case .failure(let problems): throw problems.errors.first ?? ConnectConfigError(key: "transforms", message: "invalid transforms")
        }
        let config = taskConfig.merging(connectorConfig) { task, _ in task }
        topics = ConnectConfigReader(config).list("topics", default: [])
        let regex = config["topics.regex"].flatMap { $0.trimmingASCIISpaces.isEmpty ? nil : $0 }
        // SinkConnectorConfig.validate: exactly one of the two.
        if !topics.isEmpty, regex != nil {
            throw ConnectConfigError(key: "topics", message: "Must configure one of topics or topics.regex, not both")
        }
        if topics.isEmpty, regex == nil {
            throw ConnectConfigError(key: "topics", message: "Must configure one of topics or topics.regex")
        }
        do {
            topicsRegex = try regex.map { try JavaRegex($0) }
        } catch {
            throw ConnectConfigError.invalidValue("topics.regex", regex ?? "", "\(error)")
        }
        if !errors.deadLetterQueueTopic.isEmpty, topics.contains(errors.deadLetterQueueTopic) {
            throw ConnectConfigError.invalidValue("errors.deadletterqueue.topic.name", errors.deadLetterQueueTopic,
                                                  "The DLQ topic '\(errors.deadLetterQueueTopic)' may not be included in the list of topics ('topics=\(topics.joined(separator: ","))') consumed by the connector")
        }
    }

    // MARK: Lifecycle

    func start() async throws {
        if !errors.deadLetterQueueTopic.isEmpty {
            let queue = DeadLetterQueue(topic: errors.deadLetterQueueTopic, replicationFactor: errors.deadLetterQueueReplicationFactor,
                                        contextHeaders: errors.deadLetterQueueContextHeaders, cluster: environment.cluster,
                                        client: environment.client, logger: logger)
            try await queue.start()
            reporter.deadLetterQueue = queue
        }
        var config = ConsumerConfig(client: environment.client, groupId: "connect-\(taskID.connector)")
        config.autoOffsetReset = .earliest
        config.enableAutoCommit = false
        config.onPartitionsRevoked = { [weak self] partitions in await self?.partitionsRevoked(partitions) }
        // Its own connections, as each Kafka task has its own consumer: a JoinGroup parked on a
        // connection holds back every later response on it (responses come in request order), so
        // two tasks of one connector sharing the worker's connections would block each other's
        // heartbeats for a whole rebalance.
        consumer = try KafkaConsumer(config: config)
        try await resubscribe()
        taskStarted = true
        do {
            try await task.start(config: taskConfig, context: WorkerSinkTaskContext(taskID: taskID, client: environment.client, loop: self))
        } catch {
            throw ConnectTaskFailure("Sink task \(taskID) failed to start", cause: error)
        }
    }

    func run() async throws {
        guard let consumer else { return }
        var nextCommit = nowMs + settings.offsetFlushIntervalMs
        var nextRegexCheck = nowMs + Self.regexRefreshMs
        while !Task.isCancelled {
            if nowMs >= nextCommit {
                await commitOffsets()
                nextCommit = nowMs + settings.offsetFlushIntervalMs
            }
            if topicsRegex != nil, nowMs >= nextRegexCheck {
                try? await resubscribe()
                nextRegexCheck = nowMs + Self.regexRefreshMs
            }
            if let batch = redelivery {
                try? await Task.sleep(for: Self.redeliveryBackoff)
                // Polling with every partition paused keeps the group membership alive; partitions a
                // rebalance just assigned are paused too, and anything read anyway is read again later.
                try? await consumer.pause(consumer.assignment)
                let unexpected = (try? await consumer.poll(timeout: .milliseconds(1))) ?? []
                for (partition, records) in Dictionary(grouping: unexpected, by: \.topicPartition) {
                    if let first = records.map(\.offset).min() { try? await consumer.seek(partition, to: first) }
                }
                if Task.isCancelled { break }
                try await deliver(batch)
                continue
            }
            let consumed: [ConsumerRecord]
            do {
                consumed = try await consumer.poll(timeout: .milliseconds(500))
            } catch {
                if Task.isCancelled { break }
                if Self.isRetriable(error) {
                    logger.warning("\(taskID) poll failed, retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                throw ConnectTaskFailure("\(taskID) consumer poll failed", stage: .kafkaConsume, cause: error)
            }
            if consumed.isEmpty { continue }
            var batch: [ConnectRecord] = []
            originals = [:]
            for record in consumed {
                await noteTopic(record.topic)
                let original = Self.original(record)
                pendingOffsets[record.topicPartition] = record.offset + 1
                if let converted = try await convert(record, original: original) {
                    batch.append(converted)
                    originals[RecordPosition(topic: record.topic, partition: record.partition, offset: record.offset)] = original
                }
            }
            try await deliver(batch)
        }
    }

    func stop(failed: Bool) async {
        await Task { await self.finish(failed: failed) }.value
    }

    private func finish(failed: Bool) async {
        if !failed, taskStarted { await commitOffsets() }
        if taskStarted { await task.stop() }
        await consumer?.close()
        consumer = nil
        await reporter.deadLetterQueue?.close()
    }

    // MARK: Delivery and commits

    private func deliver(_ batch: [ConnectRecord]) async throws {
        guard let consumer else { return }
        do {
            if !batch.isEmpty { try await task.put(batch) }
            if let errantFailure { throw errantFailure }
        } catch let error as RetriableConnectError {
            logger.error("\(taskID) RetriableException from SinkTask", metadata: ["error": "\(error)"])
            if redelivery == nil { try? await consumer.pause(consumer.assignment) }
            redelivery = batch
            return
        } catch let failure as ConnectTaskFailure {
            throw failure
        } catch {
            throw ConnectTaskFailure("Exiting WorkerSinkTask due to unrecoverable exception.", stage: .taskPut, cause: error)
        }
        currentOffsets.merge(pendingOffsets) { $1 }
        pendingOffsets = [:]
        if redelivery != nil {
            await consumer.resume(consumer.assignment)
            redelivery = nil
        }
    }

    /// Flushes the task, then commits the next offsets of everything it was given
    /// (WorkerSinkTask.commitOffsets). A failed flush rewinds to the last committed offsets so
    /// nothing un-flushed is skipped.
    private func commitOffsets(only partitions: Set<TopicPartition>? = nil) async {
        guard let consumer else { return }
        let offsets = currentOffsets.filter { partitions?.contains($0.key) ?? true }
        guard offsets.contains(where: { committedOffsets[$0.key] != $0.value }) else { return }
        do {
            try await task.flush()
        } catch {
            logger.error("\(taskID) Commit of offsets threw an unexpected exception", metadata: ["error": "\(error)"])
            for (partition, offset) in committedOffsets where offsets[partition] != nil {
                try? await consumer.seek(partition, to: offset)
                currentOffsets[partition] = offset
            }
            return
        }
        do {
            try await consumer.commit(offsets)
            committedOffsets.merge(offsets) { $1 }
        } catch {
            logger.warning("\(taskID) Commit of offsets failed", metadata: ["error": "\(error)"])
        }
    }

    /// Before partitions go to another member: flush and commit what was put from them, then forget
    /// them (a batch waiting for redelivery loses their records; the new owner reads them again).
    private func partitionsRevoked(_ partitions: [TopicPartition]) async {
        let revoked = Set(partitions)
        await commitOffsets(only: revoked)
        for partition in revoked {
            currentOffsets[partition] = nil
            committedOffsets[partition] = nil
            pendingOffsets[partition] = nil
        }
        if let batch = redelivery {
            redelivery = batch.filter { record in !revoked.contains(TopicPartition(record.topic, record.kafkaPartition ?? -1)) }
        }
    }

    /// Subscribes to `topics`, or to the topics `topics.regex` matches now (when that set changed).
    private func resubscribe() async throws {
        guard let consumer else { return }
        var wanted = topics
        if let topicsRegex {
            let metadata = try await environment.cluster.refreshMetadata(topics: nil)
            wanted = metadata.topics.keys.filter { topicsRegex.matchesWhole($0) && $0 != errors.deadLetterQueueTopic }.sorted()
        }
        wanted = Array(Set(wanted)).sorted()
        guard wanted != subscribed else { return }
        if wanted.isEmpty {
            await consumer.unsubscribe()
        } else {
            try await consumer.subscribe(wanted)
        }
        subscribed = wanted
    }

    // MARK: Records

    /// Converts then transforms a consumed record (WorkerSinkTask.convertAndTransformRecord); nil
    /// when dropped by a transform or skipped after a tolerated error.
    private func convert(_ consumed: ConsumerRecord, original: ConnectErrorContext.ConsumedRecord) async throws -> ConnectRecord? {
        let converters = self.converters
        guard let key = try await execute(.keyConverter, converters.keyClass, original: .consumed(original), {
            try await converters.key.toConnectData(topic: consumed.topic, bytes: original.key)
        }) else { return nil }
        guard let value = try await execute(.valueConverter, converters.valueClass, original: .consumed(original), {
            try await converters.value.toConnectData(topic: consumed.topic, bytes: original.value)
        }) else { return nil }
        guard let headers = try await execute(.headerConverter, converters.headerClass, original: .consumed(original), {
            try original.headers.map { header in
                let converted = try converters.header.toConnectHeader(topic: consumed.topic, headerKey: header.key, bytes: header.value)
                return ConnectHeader(key: header.key, schema: converted.schema, value: converted.value)
            }
        }) else { return nil }
        var record = ConnectRecord(topic: consumed.topic, kafkaPartition: consumed.partition, keySchema: key.schema, key: key.value,
                                   valueSchema: value.schema, value: value.value, timestamp: consumed.timestamp >= 0 ? consumed.timestamp : nil,
                                   headers: headers, kafkaOffset: consumed.offset)
        for stage in chain.stages {
            let current = record
            guard let outcome = try await execute(.transformation, stage.className(in: connectorConfig), original: .consumed(original), {
                try stage.apply(current)
            }) else { return nil }
            guard let next = outcome else { return nil }
            record = next
        }
        return record
    }

    static func original(_ record: ConsumerRecord) -> ConnectErrorContext.ConsumedRecord {
        ConnectErrorContext.ConsumedRecord(
            topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp,
            timestampType: record.timestampType == .logAppendTime ? "LogAppendTime" : "CreateTime",
            key: record.key.map { Array($0.readableBytesView) }, value: record.value.map { Array($0.readableBytesView) },
            headers: record.headers.map { (key: $0.key, value: $0.value.map { Array($0.readableBytesView) }) })
    }

    // MARK: Errant records

    /// SinkTaskContext.reportErrant (Kafka's `WorkerErrantRecordReporter`): the record's consumed
    /// original when it came from this batch, else the record converted back to bytes; reported
    /// at stage TASK_PUT. With tolerance none this throws and the task fails after `put`.
    func reportErrant(_ record: ConnectRecord, error: any Error) async throws {
        var original = record.kafkaOffset.flatMap { offset in
            originals[RecordPosition(topic: record.topic, partition: record.kafkaPartition ?? -1, offset: offset)]
        }
        if original == nil {
            let key = try? await converters.key.fromConnectData(topic: record.topic, schema: record.keySchema, value: record.key)
            let value = try? await converters.value.fromConnectData(topic: record.topic, schema: record.valueSchema, value: record.value)
            let headers = record.headers.map { header in
                (key: header.key, value: (try? converters.header.fromConnectHeader(topic: record.topic, headerKey: header.key,
                                                                                    schema: header.schema, value: header.value)) ?? nil)
            }
            original = ConnectErrorContext.ConsumedRecord(topic: record.topic, partition: record.kafkaPartition ?? -1,
                                                          offset: record.kafkaOffset ?? -1, timestamp: record.timestamp ?? -1,
                                                          key: key ?? nil, value: value ?? nil, headers: headers)
        }
        do {
            try await failed(.taskPut, "org.apache.kafka.connect.sink.SinkTask", error: error, original: .consumed(original!))
        } catch let failure as ConnectTaskFailure {
            if errantFailure == nil { errantFailure = failure }
            throw failure
        }
    }
}

extension SinkTaskLoop {
    /// Tells the worker the first time this task uses `topic`.
    fileprivate func noteTopic(_ topic: String) async {
        guard seenTopics.insert(topic).inserted else { return }
        await environment.topicUsed(taskID, topic)
    }
}
