import BrookCoordination
import BrookProtocol
import BrookStorage
import Logging
import NIOCore
import NIOPosix

/// The Kafka broker behind the network edge: decodes request frames, routes them to one handler
/// per API, and encodes the responses. Owns the topics and their logs.
public final class Broker: Sendable {
    public let config: BrokerConfig
    public let identity: ClusterIdentity
    public let topics: TopicRegistry
    /// Consumer groups and committed offsets (`__consumer_offsets`).
    public let groups: GroupCoordinator
    /// Transactions (`__transaction_state`).
    public let transactions: TransactionCoordinator
    /// Producer ids for InitProducerId, persisted in blocks (`producer-id-block`).
    let producerIds: ProducerIdManager
    /// Runs `expireProducers` every `producer.id.expiration.check.interval.ms`.
    private let producerExpiryTask: RepeatedTask
    let logger: Logger
    let clock: @Sendable () -> Int64
    let group: EventLoopGroup
    private let handlers: [Int16: ApiHandler]
    let retention: RetentionTask
    private let retentionSchedule: RepeatedTask
    let cleaner: LogCleanerTask
    private let cleanerSchedule: CleanerSchedule?

    /// Opens the data directory (taking its lock), recovers every partition, and readies the handlers.
    public init(config: BrokerConfig, group: EventLoopGroup, threadPool: NIOThreadPool, logger: Logger,
                clock: @escaping @Sendable () -> Int64 = Broker.wallClockMillis) throws {
        self.config = config
        self.group = group
        self.logger = logger
        self.clock = clock
        let dataDirectory = try DataDirectory(path: config.dataDir, logger: logger)
        do {
            self.identity = try ClusterIdentity.loadOrCreate(dataDir: config.dataDir, nodeId: config.nodeId)
            self.topics = TopicRegistry(dataDirectory: dataDirectory, config: config, group: group,
                                        threadPool: threadPool, logger: logger, clock: clock)
            self.producerIds = try ProducerIdManager(dataDir: config.dataDir)
            try topics.loadExisting()
            self.groups = try GroupCoordinator(topics: topics, config: config.groupCoordinator, group: group,
                                               logger: logger, clock: clock)
            self.transactions = try TransactionCoordinator(
                topics: topics,
                settings: .init(partitions: config.transactionStateLogNumPartitions,
                                maxTimeoutMs: config.transactionMaxTimeoutMs,
                                idExpirationMs: config.transactionalIdExpirationMs),
                group: group, logger: logger, clock: clock,
                writeMarkers: TransactionMarkerWriter.make(topics: topics, groups: groups, group: group))
        } catch {
            dataDirectory.unlock()
            throw error
        }
        let topics = self.topics
        let interval = TimeAmount.milliseconds(config.producerIdExpirationCheckIntervalMs)
        self.producerExpiryTask = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            for partition in topics.allPartitions { partition.expireProducers(expirationMs: config.producerIdExpirationMs) }
        }
        var table: [Int16: ApiHandler] = [:]
        for handler in Self.makeHandlers() { table[handler.apiKey.rawValue] = handler }
        self.handlers = table
        self.retention = RetentionTask(topics: topics, clock: clock, logger: logger)
        self.retentionSchedule = retention.schedule(on: group.next(), intervalMs: config.retentionCheckIntervalMs)
        self.cleaner = LogCleanerTask(topics: topics, config: config, threadPool: threadPool, clock: clock, logger: logger)
        self.cleanerSchedule = config.cleanerEnable ? cleaner.schedule(on: group.next()) : nil
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
        ]
    }

    /// The (api key, min, max) triples ApiVersions advertises: exactly what is implemented.
    var supportedVersions: [(apiKey: Int16, range: ClosedRange<Int16>)] {
        handlers.values.map { ($0.apiKey.rawValue, $0.versions) }.sorted { $0.apiKey < $1.apiKey }
    }

    /// Handles one request frame body (the bytes after the 4-byte size).
    public func handle(frame: ByteBuffer, on loop: EventLoop, clientHost: String = "") -> RequestDisposition {
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
        let context = RequestContext(header: header, eventLoop: loop, broker: self, clientHost: clientHost)
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

    /// Flushes and closes every log, writes checkpoints and the clean-shutdown marker, releases the lock.
    public func shutdown() -> EventLoopFuture<Void> {
        retentionSchedule.cancel()
        cleanerSchedule?.cancel()
        producerExpiryTask.cancel()
        return transactions.close(on: group.next()).flatMap { self.groups.close(on: self.group.next()) }
            .flatMap { self.topics.shutdown() }
    }

    /// First step of a graceful shutdown: answers requests parked in the broker (JoinGroup, SyncGroup)
    /// so in-flight requests can drain. Call before waiting for them.
    public func beginShutdown() -> EventLoopFuture<Void> {
        retentionSchedule.cancel()
        cleanerSchedule?.cancel()
        return transactions.close(on: group.next()).flatMap { self.groups.close(on: self.group.next()) }
    }

    /// Runs the time-based flush policy (`log.flush.interval.ms`) on every partition.
    public func flushDuePartitions() {
        for partition in topics.allPartitions { partition.flushIfDue() }
    }

    /// Forgets producers idle for `producer.id.expiration.ms` on every partition.
    public func expireProducers() {
        let expirationMs = config.producerIdExpirationMs
        for partition in topics.allPartitions { partition.expireProducers(expirationMs: expirationMs) }
    }
}
