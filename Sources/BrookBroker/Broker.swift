import BrookCluster
import BrookCoordination
import BrookProtocol
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The Kafka broker behind the network edge: decodes request frames, routes them to one handler
/// per API, and encodes the responses. Owns the topics and their logs. A `Service`: `run()` owns the
/// repeated tasks and closes the logs when it ends (see `Broker+Service.swift`).
public final class Broker: Sendable {
    public let config: BrokerConfig
    public let identity: ClusterIdentity
    public let topics: TopicRegistry
    /// Where topics, runtime broker configs, the cluster id and producer-id blocks are stored (a
    /// single node: files in the data directory).
    public let metadataStore: any MetadataStore
    /// What routing answers say about the cluster (see `clusterView`).
    private let currentClusterView: NIOLockedValueBox<ClusterView>
    /// Consumer groups and committed offsets (`__consumer_offsets`).
    public let groups: GroupCoordinator
    /// Transactions (`__transaction_state`).
    public let transactions: TransactionCoordinator
    /// Opens the internal topics behind the coordinators after the listener is up.
    private let internalTopics: InternalTopicsStartup
    /// Test hook: the internal topics wait for this before opening.
    private let internalTopicsGate: EventLoopFuture<Void>?
    /// How long FindCoordinator waits for a coordinator still opening or loading its topic before it
    /// answers with what is known (see `FindCoordinatorHandler`).
    let findCoordinatorWait: TimeAmount
    /// Producer ids for InitProducerId, persisted in blocks (`producer-id-block`).
    let producerIds: ProducerIdManager
    let logger: Logger
    let clock: @Sendable () -> Int64
    let group: EventLoopGroup
    private let handlers: [Int16: ApiHandler]
    /// Closes when shutdown begins: parked long-poll Fetches answer at once instead of waiting out `max_wait_ms`.
    let stopping = CloseSignal()
    let retention: RetentionTask
    let cleaner: LogCleanerTask
    /// Writes recovery points and log start offsets every `log.flush.offset.checkpoint.interval.ms`.
    let logCheckpoints: LogCheckpointTask
    /// Copies the partitions this broker follows from their leaders (issue 12).
    public let replicaFetchers: ReplicaFetcherManager
    /// Connections to the other brokers of a cluster, for the requests this broker sends them.
    let interBrokerChannels: InterBrokerChannels
    /// The repeated tasks `run()` started, cancelled when shutdown begins.
    let timers = NIOLockedValueBox(BrokerTimers())
    /// A cluster's store changes, subscribed before start-up read the store, until `followMetadata`.
    private let pendingChanges = NIOLockedValueBox<AsyncStream<MetadataChange>?>(nil)
    /// Set by `ClusterBroker.start` (see `clusterAdmin`).
    let clusterAdminSlot = NIOLockedValueBox<(any ClusterAdmin)?>(nil)
    /// The controller's partition reassignments (see `Broker+Reassignments.swift`); nil on a single node.
    let reassignmentsSlot = NIOLockedValueBox<(any PartitionReassignments)?>(nil)

    /// Opens the data directory (taking its lock), recovers every partition except those of the
    /// internal topics, and readies the handlers. Call `startCoordinators()` once the listener is up.
    public convenience init(config: BrokerConfig, group: EventLoopGroup, threadPool: NIOThreadPool, logger: Logger,
                            clock: @escaping @Sendable () -> Int64 = Broker.wallClockMillis) throws {
        // Before any log opens: a broker needs a descriptor per segment and per connection.
        FileDescriptorLimit.raiseToHardLimit(logger: logger)
        try self.init(config: config, group: group, threadPool: threadPool, logger: logger, clock: clock,
                      internalTopicsGate: nil)
    }

    /// As above; `internalTopicsGate` holds the opening of the internal topics until it completes
    /// (tests observe the not-ready coordinators with it, and shorten `findCoordinatorWait`).
    convenience init(config: BrokerConfig, group: EventLoopGroup, threadPool: NIOThreadPool, logger: Logger,
                     clock: @escaping @Sendable () -> Int64, internalTopicsGate: EventLoopFuture<Void>?,
                     findCoordinatorWait: TimeAmount = .seconds(1)) throws {
        let dataDirectory = try DataDirectory(path: config.dataDir, logger: logger)
        let store = LocalMetadataStore(directory: dataDirectory, nodeId: config.nodeId)
        let loaded: LoadedMetadata
        do {
            loaded = LoadedMetadata(identity: try ClusterIdentity.loadOrCreate(store: store, nodeId: config.nodeId),
                                    topics: try store.loadTopics(), dynamicConfigs: try store.dynamicBrokerConfigs())
        } catch {
            dataDirectory.unlock()
            throw error
        }
        try self.init(config: config, dataDirectory: dataDirectory, store: store, loaded: loaded, clustered: false,
                      group: group, threadPool: threadPool, logger: logger, clock: clock,
                      internalTopicsGate: internalTopicsGate, findCoordinatorWait: findCoordinatorWait)
    }

    /// A broker of a cluster whose metadata lives in `metadataStore` (etcd): its partitions open with
    /// no role and take the ones the cluster announces (`BrokerReplicaRoles`); topics other brokers
    /// create, change or delete are applied as the store reports them. Call `followMetadata()` next.
    public static func clustered(config: BrokerConfig, metadataStore: any MetadataStore, group: EventLoopGroup,
                                 threadPool: NIOThreadPool, logger: Logger,
                                 clock: @escaping @Sendable () -> Int64 = Broker.wallClockMillis) async throws -> Broker {
        FileDescriptorLimit.raiseToHardLimit(logger: logger)
        // Subscribed before reading: a change stored in between is applied (or skipped as applied).
        let changes = metadataStore.changes()
        let dataDirectory = try DataDirectory(path: config.dataDir, logger: logger)
        do {
            let loaded = LoadedMetadata(identity: try await ClusterIdentity.loadOrCreate(store: metadataStore, nodeId: config.nodeId),
                                        topics: try await metadataStore.loadTopics(),
                                        dynamicConfigs: try await metadataStore.dynamicBrokerConfigs())
            let broker = try Broker(config: config, dataDirectory: dataDirectory, store: metadataStore, loaded: loaded,
                                    clustered: true, group: group, threadPool: threadPool, logger: logger, clock: clock,
                                    internalTopicsGate: nil, findCoordinatorWait: .seconds(1))
            broker.pendingChanges.withLockedValue { $0 = changes }
            return broker
        } catch {
            dataDirectory.unlock()
            throw error
        }
    }

    /// What start-up read from the metadata store.
    struct LoadedMetadata {
        var identity: ClusterIdentity
        var topics: [TopicMetadataRecord]
        var dynamicConfigs: Versioned<[String: String]>
    }

    /// Opens the logs this node holds of `loaded`'s topics (the lock of `dataDirectory` is taken;
    /// released here when opening fails) and readies the handlers.
    private init(config: BrokerConfig, dataDirectory: DataDirectory, store: any MetadataStore, loaded: LoadedMetadata,
                 clustered: Bool, group: EventLoopGroup, threadPool: NIOThreadPool, logger: Logger,
                 clock: @escaping @Sendable () -> Int64, internalTopicsGate: EventLoopFuture<Void>?,
                 findCoordinatorWait: TimeAmount) throws {
        self.config = config
        self.internalTopicsGate = internalTopicsGate
        self.findCoordinatorWait = findCoordinatorWait
        self.group = group
        self.logger = logger
        self.clock = clock
        self.metadataStore = store
        self.identity = loaded.identity
        let advertised = config.advertised
        let view = NIOLockedValueBox(ClusterView.singleNode(
            BrokerEndpoint(nodeId: loaded.identity.nodeId, host: advertised.host, port: Int32(advertised.port),
                           rack: config.rack)))
        self.currentClusterView = view
        let channels = InterBrokerChannels(group: group, nodeId: config.nodeId,
                                           timeout: .milliseconds(config.replicaFetch.requestTimeoutMs))
        self.interBrokerChannels = channels
        do {
            self.topics = TopicRegistry(dataDirectory: dataDirectory, metadataStore: store, config: config, group: group,
                                        threadPool: threadPool, logger: logger, clock: clock,
                                        assigner: clustered ? .cluster { view.withLockedValue { $0 } } : .singleNode(config.nodeId))
            self.producerIds = ProducerIdManager(store: store)
            // The internal topics open after the listener is up (`startCoordinators`); only their
            // sizes are needed now, to lay out the shards.
            try topics.loadExisting(loaded.topics, dynamicConfigs: loaded.dynamicConfigs,
                                    deferring: [OffsetsTopic.name, TransactionStateTopic.name])
            let offsetsPartitions = topics.reserve(OffsetsTopic.name, partitions: config.groupCoordinator.offsetsTopicPartitions,
                                                   configs: OffsetsTopic.configs)
            let statePartitions = topics.reserve(TransactionStateTopic.name, partitions: config.transactionStateLogNumPartitions,
                                                 configs: TransactionStateTopic.configs)
            self.groups = GroupCoordinator(partitions: offsetsPartitions, topics: topics, config: config.groupCoordinator,
                                           group: group, logger: logger, clock: clock)
            self.transactions = TransactionCoordinator(
                partitions: statePartitions, topics: topics,
                settings: .init(maxTimeoutMs: config.transactionMaxTimeoutMs,
                                idExpirationMs: config.transactionalIdExpirationMs),
                group: group, logger: logger, clock: clock,
                writeMarkers: TransactionMarkerWriter.make(topics: topics, groups: groups, group: group, nodeId: config.nodeId,
                                                           view: { view.withLockedValue { $0 } }, channels: channels))
            self.internalTopics = InternalTopicsStartup(topics: topics, groups: groups, transactions: transactions,
                                                        threadPool: threadPool, group: group, logger: logger, clock: clock)
        } catch {
            dataDirectory.unlock()
            throw error
        }
        let topics = self.topics
        var table: [Int16: ApiHandler] = [:]
        for handler in Self.makeHandlers() { table[handler.apiKey.rawValue] = handler }
        self.handlers = table
        self.retention = RetentionTask(topics: topics, clock: clock, logger: logger)
        self.cleaner = LogCleanerTask(topics: topics, config: config, threadPool: threadPool, clock: clock, logger: logger)
        self.logCheckpoints = LogCheckpointTask(topics: topics, threadPool: threadPool, logger: logger)
        self.replicaFetchers = ReplicaFetcherManager(localReplica: identity.nodeId, topics: topics, group: group,
                                                     settings: config.replicaFetch, clock: clock, logger: logger)
    }

    /// A cluster's broker: applies the metadata store's changes (topics other brokers created,
    /// changed or deleted) from now on; `applied` hears of each once applied. Returns the task,
    /// which ends with the store's stream. Does nothing on a single node.
    public func followMetadata(applied: @escaping @Sendable () -> Void = {}) -> Task<Void, Never>? {
        guard let changes = pendingChanges.withLockedValue({ stream -> AsyncStream<MetadataChange>? in
            defer { stream = nil }
            return stream
        }) else { return nil }
        return topics.followChanges(changes) { _, _ in applied() }
    }

    /// The live brokers, the controller and each partition's leader and replicas, as Metadata,
    /// DescribeTopicPartitions, FindCoordinator and DescribeCluster report them. A single node leads
    /// every partition; a cluster replaces the view as its metadata changes.
    public var clusterView: ClusterView { currentClusterView.withLockedValue { $0 } }

    /// Replaces what routing answers say about the cluster.
    func replaceClusterView(_ view: ClusterView) {
        currentClusterView.withLockedValue { $0 = view }
    }

    /// Milliseconds since the Unix epoch from the system clock.
    public static let wallClockMillis: @Sendable () -> Int64 = {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    private static func makeHandlers() -> [ApiHandler] {
        [
            ApiVersionsHandler.handler,
            MetadataHandler.handler,
            ProduceHandler.handler,
            FetchHandler.handler,
            ListOffsetsHandler.handler,
            OffsetForLeaderEpochHandler.handler,
            CreateTopicsHandler.handler,
            FindCoordinatorHandler.handler,
            JoinGroupHandler.handler,
            SyncGroupHandler.handler,
            HeartbeatHandler.handler,
            LeaveGroupHandler.handler,
            OffsetCommitHandler.handler,
            OffsetFetchHandler.handler,
            DescribeGroupsHandler.handler,
            ListGroupsHandler.handler,
            DeleteGroupsHandler.handler,
            ElectLeadersHandler.handler,
            OffsetDeleteHandler.handler,
            ConsumerGroupHeartbeatHandler.handler,
            ConsumerGroupDescribeHandler.handler,
            DeleteTopicsHandler.handler,
            CreatePartitionsHandler.handler,
            DescribeConfigsHandler.handler,
            AlterConfigsHandler.handler,
            IncrementalAlterConfigsHandler.handler,
            DeleteRecordsHandler.handler,
            DescribeClusterHandler.handler,
            DescribeLogDirsHandler.handler,
            DescribeTopicPartitionsHandler.handler,
            InitProducerIdHandler.handler,
            DescribeProducersHandler.handler,
            AddPartitionsToTxnHandler.handler,
            AddOffsetsToTxnHandler.handler,
            EndTxnHandler.handler,
            WriteTxnMarkersHandler.handler,
            TxnOffsetCommitHandler.handler,
            DescribeTransactionsHandler.handler,
            ListTransactionsHandler.handler,
            AlterPartitionReassignmentsHandler.handler,
            ListPartitionReassignmentsHandler.handler,
        ]
    }

    /// The (api key, min, max) triples ApiVersions advertises: exactly what is implemented.
    var supportedVersions: [(apiKey: Int16, range: ClosedRange<Int16>)] {
        handlers.values.map { ($0.apiKey.rawValue, $0.versions) }.sorted { $0.apiKey < $1.apiKey }
    }

    /// Handles one request frame body (the bytes after the 4-byte size); `connection` closes with the
    /// client's connection.
    public func handle(frame: ByteBuffer, on loop: EventLoop, clientHost: String = "",
                       connection: CloseSignal? = nil) -> RequestDisposition {
        guard let peeked = RequestHeader.peek(frame) else {
            return .close(reason: "request shorter than a header")
        }
        let isApiVersions = peeked.apiKey == ApiKey.apiVersions.rawValue
        guard let handler = handlers[peeked.apiKey], handler.versions.contains(peeked.apiVersion) else {
            if isApiVersions {
                // KIP-511: an unsupported ApiVersions version gets our ranges in the v0 layout.
                return .respond(loop.makeSucceededFuture(unsupportedApiVersionsResponse(correlationId: peeked.correlationId)))
            }
            return .close(reason: "unsupported API \(peeked.apiKey) v\(peeked.apiVersion)")
        }
        let apiKey = handler.apiKey
        var buffer = frame
        let header: RequestHeader
        do {
            header = try RequestHeader(from: &buffer, headerVersion: apiKey.requestHeaderVersion(apiVersion: peeked.apiVersion))
        } catch {
            return .close(reason: "malformed request header: \(error)")
        }
        let context = RequestContext(header: header, eventLoop: loop, broker: self, clientHost: clientHost,
                                     connection: connection)
        do {
            return .respond(try handler.handle(&buffer, context))
        } catch {
            return .close(reason: "malformed \(apiKey) v\(header.apiVersion) request: \(error)")
        }
    }

    private func unsupportedApiVersionsResponse(correlationId: Int32) -> OutboundFrame {
        var response = ApiVersionsHandler.response(for: self, version: 0)
        response.errorCode = ErrorCode.unsupportedVersion.rawValue
        return .message(response, version: 0, correlationId: correlationId, headerVersion: 0)
    }

    /// Opens `__consumer_offsets` and `__transaction_state` (creating them on first start) and loads
    /// the group and transaction coordinators, in the background. Call once the listener is bound:
    /// start-up does not wait for them, and until they are ready clients get Kafka's retriable
    /// errors (COORDINATOR_NOT_AVAILABLE after FindCoordinator's short wait, COORDINATOR_LOAD_IN_PROGRESS).
    /// Later calls do nothing.
    public func startCoordinators() {
        internalTopics.start(after: internalTopicsGate)
    }

    /// Flushes and closes every log, writes checkpoints and the clean-shutdown marker, releases the lock.
    /// Internal topics still opening stop at the next partition; their open logs are closed too.
    public func shutdown() -> EventLoopFuture<Void> {
        stopping.close()
        let cleanerSchedule = timers.withLockedValue { $0.cancelAll() }
        let loop = group.next()
        let backgroundDone = internalTopics.stop(on: loop)
        let cleanerDone = cleanerSchedule?.runningPassEnded(on: loop) ?? loop.makeSucceededVoidFuture()
        interBrokerChannels.closeAll()
        return replicaFetchers.shutdown().hop(to: loop)
            .flatMap { self.transactions.close(on: loop) }.flatMap { self.groups.close(on: loop) }
            .flatMap { backgroundDone }
            .flatMap { cleanerDone }
            .flatMap { self.topics.shutdown() }
    }

    /// First step of a graceful shutdown: answers requests parked in the broker (long-poll Fetch,
    /// JoinGroup, SyncGroup) so in-flight requests can drain. Call before waiting for them.
    public func beginShutdown() -> EventLoopFuture<Void> {
        stopping.close()
        timers.withLockedValue { $0.cancelForDrain() }
        let loop = group.next()
        _ = internalTopics.stop(on: loop)
        return transactions.close(on: loop).flatMap { self.groups.close(on: loop) }
    }

    /// Runs the time-based flush policy (`log.flush.interval.ms`) on every partition.
    public func flushDuePartitions() {
        for partition in topics.allPartitions { partition.flushIfDue() }
    }

    /// Forgets producers idle for `producer.id.expiration.ms` on every partition; the future
    /// completes once every partition has done so.
    @discardableResult
    public func expireProducers() -> EventLoopFuture<Void> {
        let expirationMs = config.producerIdExpirationMs
        let expired = topics.allPartitions.map { $0.expireProducers(expirationMs: expirationMs) }
        return EventLoopFuture.andAllComplete(expired, on: group.next())
    }
}
