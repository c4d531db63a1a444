import BrookClient
import BrookRegistryClient
import BrookSchemas
import Logging
import ServiceLifecycle

/// The Connect worker every `brook serve` runs (Kafka's `DistributedHerder`): connectors' configs,
/// target states and task configs live in `connect-configs`, statuses in `connect-status`, source
/// offsets in `connect-offsets`; the workers of all brokers form one group (protocol type
/// `connect`) whose leader deals connectors and tasks out, and a worker that dies loses its work
/// to the others after the session timeout.
///
/// Any worker writes a REST change straight to `connect-configs` (one partition, so one order for
/// all) and answers once it has read its own write back; only the leader derives and writes task
/// configs. The herder stays idle — no topics, no group — until Connect is first used: a REST write
/// here, or `connect-configs` appearing because another broker's worker created it.
public actor DistributedHerder: ConnectHerder, Service {
    public nonisolated let kafkaClusterID: String
    let config: ConnectWorkerConfig
    let cluster: KafkaCluster
    let client: ClientConfig
    let logger: Logger
    let configTopic: ConnectInternalTopic
    let statusTopic: ConnectInternalTopic
    let offsetStore: ConnectOffsetStore
    let member: ConnectGroupMember

    // Replayed state.
    var configs = ConnectConfigState()
    /// One past the last `connect-configs` record applied.
    var configOffset: Int64 = 0
    var statuses = ConnectStatusTable()
    var configWaiters: [(offset: Int64, continuation: CheckedContinuation<Void, Never>)] = []
    var pendingRestarts: [(connector: String, includeTasks: Bool, onlyFailed: Bool)] = []

    // Activation.
    var active = false
    var activationWaiters: [CheckedContinuation<Void, Never>] = []
    var activationRequested = false

    // Membership and work.
    var needsJoin = true
    var generation: Int32 = -1
    var isLeader = false
    var assignedConnectors: Set<String> = []
    var assignedTasks: Set<ConnectTaskID> = []
    /// connector → task count the current assignment was made for; another shape means rebalance.
    var assignedShape: [String: Int] = [:]
    var running: [ConnectTaskID: RunningTask] = [:]
    /// Tasks whose runner ended on its own (failed): not started again until a restart.
    var ended: Set<ConnectTaskID> = []
    /// What this worker last wrote for each connector it owns.
    var reportedConnectors: [String: ConnectStatusState] = [:]
    var runCounter = 0
    /// Status records waiting to be written (see `writeStatus`).
    let statusWrites: AsyncStream<ConnectStatusRecord>.Continuation
    private let statusQueue: AsyncStream<ConnectStatusRecord>

    /// A task this worker runs, with the configs it was started with.
    struct RunningTask {
        var handle: Task<Void, Never>
        var taskConfig: [String: String]
        var serial: Int
    }

    public init(config: ConnectWorkerConfig, client: ClientConfig, kafkaClusterID: String, logger: Logger) {
        var client = client
        client.clientId = "brook-connect"
        self.config = config
        self.client = client
        self.kafkaClusterID = kafkaClusterID
        self.logger = logger
        let cluster = KafkaCluster(config: client)
        self.cluster = cluster
        configTopic = ConnectInternalTopic(name: config.configTopic, partitions: 1, replicationFactor: config.replicationFactor,
                                           cluster: cluster, client: client, logger: logger)
        statusTopic = ConnectInternalTopic(name: config.statusTopic, partitions: config.statusPartitions,
                                           replicationFactor: config.replicationFactor, cluster: cluster, client: client, logger: logger)
        offsetStore = ConnectOffsetStore(topic: ConnectInternalTopic(
            name: config.offsetsTopic, partitions: config.offsetsPartitions, replicationFactor: config.replicationFactor,
            cluster: cluster, client: client, logger: logger))
        (statusQueue, statusWrites) = AsyncStream.makeStream(of: ConnectStatusRecord.self)
        member = ConnectGroupMember(cluster: cluster, groupID: config.groupID, sessionTimeout: config.sessionTimeout,
                                    rebalanceTimeout: config.rebalanceTimeout, logger: logger)
    }

    // MARK: Service

    public func run() async throws {
        // A graceful shutdown cancels the loops; they stop every task (flushing and committing) first.
        await cancelWhenGracefulShutdown { await self.work() }
    }

    private func work() async {
        guard await waitForActivation() else {
            await cluster.close()
            return
        }
        let writer = Task { await self.writeQueuedStatuses(self.statusQueue) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.followConfigs() }
            group.addTask { await self.followStatuses() }
            group.addTask { await self.membershipLoop() }
            await group.waitForAll()
        }
        // The last statuses (UNASSIGNED for the stopped tasks) go out before the producer closes.
        statusWrites.finish()
        _ = try? await withDeadline(.milliseconds(500), "writing the last statuses", evenWhenCancelled: true) { await writer.value }
        // Closing flushes producers; a broker going down beside this one must not hold shutdown up.
        let (configTopic, statusTopic, offsetStore, cluster) = (self.configTopic, self.statusTopic, self.offsetStore, self.cluster)
        _ = try? await withDeadline(.seconds(1), "closing the internal topics", evenWhenCancelled: true) {
            async let configs: Void = configTopic.close()
            async let statuses: Void = statusTopic.close()
            async let offsets: Void = offsetStore.close()
            _ = await (configs, statuses, offsets)
        }
        _ = try? await withDeadline(.milliseconds(500), "closing the worker's connections", evenWhenCancelled: true) { await cluster.close() }
    }

    /// Waits until Connect is used (a REST write here, or the configs topic exists), then starts
    /// the internal topics and reads them. False when cancelled first.
    private func waitForActivation() async -> Bool {
        while !Task.isCancelled {
            do {
                var exists = activationRequested
                if !exists { exists = try await configTopic.exists() }
                if exists {
                    try await configTopic.start()
                    try await statusTopic.start()
                    try await offsetStore.start()
                    apply(configEntries: try await configTopic.readToEnd())
                    apply(statusEntries: try await statusTopic.readToEnd())
                    active = true
                    for waiter in activationWaiters { waiter.resume() }
                    activationWaiters = []
                    logger.info("Connect worker \(config.workerID) started (group \(config.groupID))")
                    return true
                }
            } catch {
                // Before anyone asked for Connect this is only the broker still starting up.
                if activationRequested {
                    logger.warning("Connect worker cannot start yet: \(error)")
                } else {
                    logger.debug("Connect worker idle: \(error)")
                }
            }
            await sleepUnlessActivated(.seconds(2))
        }
        for waiter in activationWaiters { waiter.resume() }
        activationWaiters = []
        return false
    }

    private var activationSleeper: CheckedContinuation<Void, Never>?

    private func sleepUnlessActivated(_ duration: Duration) async {
        let timer = Task { [weak self] in
            try? await Task.sleep(for: duration)
            await self?.wakeActivation()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { activationSleeper = $0 }
        } onCancel: {
            Task { await self.wakeActivation() }
        }
        timer.cancel()
    }

    private func wakeActivation() {
        activationSleeper?.resume()
        activationSleeper = nil
    }

    /// Starts the worker if it is idle and waits until it runs (REST writes call this).
    func activate() async throws {
        if active { return }
        activationRequested = true
        wakeActivation()
        await withCheckedContinuation { activationWaiters.append($0) }
        guard active else { throw ConnectRESTError(status: 503, message: "The Connect worker is shutting down") }
    }

    // MARK: Reading the internal topics

    func apply(configEntries entries: [ConnectInternalTopic.Entry]) {
        for entry in entries {
            configOffset = max(configOffset, entry.offset + 1)
            guard let key = entry.key.map({ String(decoding: $0, as: UTF8.self) }) else { continue }
            switch ConnectConfigRecord.decode(key: key, value: entry.value) {
            case .record(let record):
                if let restart = configs.apply(record) { pendingRestarts.append(restart) }
            case .ignored(let reason):
                logger.debug("skipping a \(config.configTopic) record: \(reason)")
            }
        }
        let ready = configWaiters.filter { $0.offset <= configOffset }
        configWaiters.removeAll { $0.offset <= configOffset }
        for waiter in ready { waiter.continuation.resume() }
        if active, workShape() != assignedShape { needsJoin = true }
    }

    func apply(statusEntries entries: [ConnectInternalTopic.Entry]) {
        for entry in entries {
            guard let key = entry.key.map({ String(decoding: $0, as: UTF8.self) }) else { continue }
            if let record = ConnectStatusRecord.decode(key: key, value: entry.value).record { statuses.apply(record) }
        }
    }

    private func followConfigs() async {
        while !Task.isCancelled {
            do {
                apply(configEntries: try await configTopic.poll(timeout: .milliseconds(200)))
            } catch {
                logger.warning("reading \(config.configTopic) failed: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func followStatuses() async {
        while !Task.isCancelled {
            do {
                apply(statusEntries: try await statusTopic.poll(timeout: .milliseconds(200)))
            } catch {
                logger.warning("reading \(config.statusTopic) failed: \(error)")
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Returns once `connect-configs` has been read up to `offset` (or after `timeout`).
    func waitForConfigs(through offset: Int64, timeout: Duration = .seconds(30)) async {
        if configOffset >= offset { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.releaseConfigWaiters(upTo: offset)
        }
        await withCheckedContinuation { configWaiters.append((offset, $0)) }
        timer.cancel()
    }

    private func releaseConfigWaiters(upTo offset: Int64) {
        let expired = configWaiters.filter { $0.offset <= offset }
        configWaiters.removeAll { $0.offset <= offset }
        for waiter in expired { waiter.continuation.resume() }
    }

    /// Writes config records in order and waits until they are read back.
    func writeConfigs(_ records: [ConnectConfigRecord]) async throws {
        var last: Int64 = -1
        let topic = configTopic
        for record in records {
            last = try await withDeadline(.seconds(30), "write to \(config.configTopic)") {
                try await topic.send(key: Array(record.key.utf8), value: record.value, partition: 0).offset
            }
        }
        if last >= 0 { await waitForConfigs(through: last + 1) }
    }

    /// The connectors and their task counts as the configs now stand.
    func workShape() -> [String: Int] {
        var shape: [String: Int] = [:]
        for name in configs.connectorConfigs.keys { shape[name] = configs.tasks(of: name).count }
        return shape
    }

    static func dictionary(_ properties: [ConnectProperty]?) -> [String: String] {
        var out: [String: String] = [:]
        for property in properties ?? [] { out[property.name] = property.value }
        return out
    }

    static func properties(_ config: [String: String]) -> [ConnectProperty] {
        config.sorted { $0.key < $1.key }.map { ConnectProperty($0.key, $0.value) }
    }
}
