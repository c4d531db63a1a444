import BrookClient
import Logging
import NIOCore

/// Runs passes of a desired-state source against a Kafka cluster: replays the connector's state
/// topic, reads the declared state (files, or a SQL query's rows), plans
/// with the sans-IO reconciler, and writes the plan's records and the new tracking state in one
/// Kafka transaction — so a crash either keeps both or neither, and nothing is re-sent after a
/// restart. The transactional id is per connector, fencing a second runner of the same connector.
public actor DesiredStateSourceRunner {
    /// What one pass did.
    public struct PassSummary: Sendable, Equatable {
        public var upserts: Int
        public var deletes: Int
        public var unchanged: Int
    }

    private let config: DesiredStateConfig
    private let cluster: KafkaCluster
    private let client: ClientConfig
    private let baseDirectory: String?
    private let logger: Logger
    private var producer: KafkaProducer?
    /// The tracked state as of the last committed pass, kept between passes so only the first one
    /// reads the state topic; dropped when a pass's outcome is unknown.
    private var replay: DesiredStateReplay?

    /// `client`: how to reach the cluster; `baseDirectory`: what a relative `path` is relative to
    /// (a pipeline file's directory).
    public init(config: DesiredStateConfig, client: ClientConfig, baseDirectory: String? = nil, logger: Logger) {
        self.config = config
        var client = client
        client.clientId = "brook-connect-\(config.connector)"
        self.client = client
        self.cluster = KafkaCluster(config: client)
        self.baseDirectory = baseDirectory
        self.logger = logger
    }

    /// One pass: reads the declared state, reconciles, writes. Throws `DesiredStateError` for
    /// input and config problems (nothing is written then) and client errors for the cluster.
    ///
    /// `changedFiles`: paths (relative to the glob's root) known to have changed since the last pass;
    /// only those are read and reconciled (plus any whose keys a crash left uncertain). nil: all.
    public func runPass(changedFiles: Set<String>? = nil) async throws -> PassSummary {
        let replay: DesiredStateReplay
        if let cached = self.replay {
            replay = cached
        } else {
            try await prepareTopics()
            replay = try await readState()
        }
        var scope = ReconcilePass.Scope.everything
        let input: DesiredStateInput
        var primaryKey: [String] = []
        if config.input == .sql {
            // A query is read whole each pass: there are no files to narrow it to.
            let (rows, keyColumns) = try await DesiredStateSQLReader(config: config).read()
            input = .sqlRows(rows)
            primaryKey = keyColumns
        } else {
            let glob = PathGlob(config.path ?? ".")
            var files = try DesiredStateFiles.read(glob, relativeTo: baseDirectory)
            if let changedFiles {
                let sources = changedFiles.filter(glob.matches).union(replay.tracked.uncertainSources())
                scope = .sources(sources)
                files = files.filter { sources.contains($0.path) }
            }
            input = config.input == .csv ? .csvFiles(files) : .files(files)
        }
        let plan = try config.plan(input, tracked: replay.tracked, scope: scope, primaryKey: primaryKey)
        let commits = plan.commitRecords(pass: replay.nextPassNumber)
        var summary = PassSummary(upserts: 0, deletes: 0, unchanged: plan.unchanged)
        for action in plan.actions {
            if case .upsert = action { summary.upserts += 1 } else { summary.deletes += 1 }
        }
        guard !plan.actions.isEmpty || !plan.commits.isEmpty else {
            self.replay = replay
            return summary
        }
        self.replay = nil
        let producer = try await writer()
        do {
            try producer.beginTransaction()
            // Enqueued without waiting for each delivery: the commit flushes them, and any failed
            // record fails the commit (the transaction is then aborted, nothing becomes visible).
            for action in plan.actions {
                try await producer.enqueue(ProducerRecord(topic: config.topic, key: ByteBuffer(string: action.key),
                                                          value: action.recordValue.map { ByteBuffer(bytes: $0) }))
            }
            for record in commits {
                try await producer.enqueue(ProducerRecord(topic: config.stateTopic, partition: 0, key: ByteBuffer(bytes: record.key),
                                                          value: record.value.map { ByteBuffer(bytes: $0) }))
            }
            try await producer.commitTransaction()
            var next = replay
            for record in commits { try next.apply(record) }
            self.replay = next
        } catch {
            // An unknown outcome: the next pass replays and re-emits what may be missing.
            self.producer = nil
            await producer.close(timeout: .seconds(1))
            throw error
        }
        logger.info("desired-state pass", metadata: ["connector": "\(config.connector)", "upserts": "\(summary.upserts)",
                                                     "deletes": "\(summary.deletes)", "unchanged": "\(summary.unchanged)"])
        return summary
    }

    public func close() async {
        if let producer { await producer.close(timeout: .seconds(5)) }
        await cluster.close()
    }

    /// The target topic must be compacted (created so when missing); the state topic is created
    /// compacted with one partition.
    private func prepareTopics() async throws {
        let admin = KafkaAdmin(cluster: cluster)
        let existing = try await admin.describeTopics([config.topic, config.stateTopic])
        var missing: [NewTopic] = []
        if case .success? = existing[config.topic] {
            let entries = try await admin.describeConfigs(.topic(config.topic), keys: ["cleanup.policy"])
            try config.checkTargetTopic(cleanupPolicy: entries.first?.value ?? "delete")
        } else {
            missing.append(NewTopic(name: config.topic, partitions: 1, configs: ["cleanup.policy": "compact"]))
        }
        if case .success? = existing[config.stateTopic] {} else {
            missing.append(NewTopic(name: config.stateTopic, partitions: 1, configs: ["cleanup.policy": "compact"]))
        }
        guard !missing.isEmpty else { return }
        let results = try await admin.createTopics(missing)
        for (_, result) in results {
            if case .failure(let error) = result, case .server(.topicAlreadyExists, _, _) = error { continue }
            if case .failure(let error) = result { throw error }
        }
    }

    /// Replays the state topic from its start to its last stable offset.
    private func readState() async throws -> DesiredStateReplay {
        let partition = TopicPartition(config.stateTopic, 0)
        let admin = KafkaAdmin(cluster: cluster)
        let end = try await admin.listOffsets([partition: .latest], isolation: .readCommitted)[partition] ?? 0
        var replay = DesiredStateReplay()
        guard end > 0 else { return replay }
        var consumerConfig = ConsumerConfig(client: client, groupId: nil)
        consumerConfig.enableAutoCommit = false
        consumerConfig.isolationLevel = .readCommitted
        consumerConfig.autoOffsetReset = .earliest
        let consumer = try KafkaConsumer(config: consumerConfig, cluster: cluster)
        do {
            try await consumer.assign([partition])
            try await consumer.seek(partition, to: 0)
            let deadline = ContinuousClock.now + .seconds(60)
            while try await consumer.position(partition) < end {
                guard ContinuousClock.now < deadline else {
                    throw KafkaClientError.timedOut("reading \(config.stateTopic) up to offset \(end)")
                }
                for record in try await consumer.poll(timeout: .milliseconds(200)) {
                    try replay.apply(DesiredStateRecord(key: record.key.map { Array($0.readableBytesView) } ?? [],
                                                        value: record.value.map { Array($0.readableBytesView) }))
                }
            }
        } catch {
            await consumer.close()
            throw error
        }
        await consumer.close()
        return replay
    }

    private func writer() async throws -> KafkaProducer {
        if let producer { return producer }
        var producerConfig = ProducerConfig(client: client)
        producerConfig.acks = .all
        producerConfig.enableIdempotence = true
        producerConfig.transactionalId = "brook-desired-state-\(config.connector)"
        // A first pass over a large input is one big transaction (Kafka's broker allows up to 15 min).
        producerConfig.transactionTimeout = .seconds(600)
        let producer = try KafkaProducer(config: producerConfig, cluster: cluster)
        try await producer.initTransactions()
        self.producer = producer
        return producer
    }
}
