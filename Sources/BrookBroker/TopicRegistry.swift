import BrookCluster
import BrookProtocol
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Why a topic could not be created, mapped to Kafka's error codes at the protocol boundary.
public enum TopicCreationError: Error, Sendable, Equatable {
    case alreadyExists(String)
    case invalidName(String)
    case invalidPartitions(String)
    case invalidReplicationFactor(String)
    case invalidConfig(String)
    case invalidReplicaAssignment(String)
    case storage(String)

    public var errorCode: ErrorCode {
        switch self {
        case .alreadyExists: return .topicAlreadyExists
        case .invalidName: return .invalidTopicException
        case .invalidPartitions: return .invalidPartitions
        case .invalidReplicationFactor: return .invalidReplicationFactor
        case .invalidConfig: return .invalidConfig
        case .invalidReplicaAssignment: return .invalidReplicaAssignment
        case .storage: return .kafkaStorageError
        }
    }

    public var message: String {
        switch self {
        case .alreadyExists(let m), .invalidName(let m), .invalidPartitions(let m), .invalidReplicationFactor(let m),
             .invalidConfig(let m), .invalidReplicaAssignment(let m), .storage(let m):
            return m
        }
    }
}

/// The broker's topics: created on request or automatically, persisted in the data directory,
/// reopened on start-up. Lookups are cheap; creation is serialised by the lock.
public final class TopicRegistry: @unchecked Sendable {
    /// Every stored topic applied here, by name, each with the partitions this node hosts (maybe none).
    let topics = NIOLockedValueBox<[String: Topic]>([:])
    /// Guarded by `dataDirectoryLock`; creation and checkpointing take it, lookups never do.
    let dataDirectoryLock = NIOLock()
    let directory: DataDirectory
    let config: BrokerConfig
    let group: EventLoopGroup
    private let loops: [EventLoop]
    let threadPool: NIOThreadPool
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// Broker configs changed at runtime (AlterConfigs on the broker), applied to every topic.
    let dynamicConfigs: DynamicBrokerConfigs
    /// The Schema Registry's id lookup for topics that validate schema ids (installed by `brook serve`).
    public let schemaIds = SchemaIdSlot()
    /// The log cleaner's first dirty offsets (`cleaner-offset-checkpoint`), dropped with a deleted topic.
    let cleanerCheckpoints: CleanerCheckpoints
    /// Removals of deleted partition folders waiting out `log.segment.delete.delay.ms`, cancelled on shutdown.
    let folderRemovals = NIOLockedValueBox<(nextId: UInt64, pending: [UInt64: (folders: [String], scheduled: Scheduled<Void>)])>(
        (0, [:]))
    /// Internal topics known by name but not open yet (see `TopicRegistry+InternalTopics.swift`).
    let reserved = NIOLockedValueBox<[String: ReservedTopic]>([:])
    /// Where topic metadata and runtime broker configs are stored. Written off the event loops, never
    /// under a lock; what a write stored reaches the registry through `apply` (see
    /// `TopicRegistry+Apply.swift`).
    let metadataStore: any MetadataStore
    /// The stored version of each topic's record applied here (reserved internal topics and topics
    /// with no partition on this node included): the compare-and-swap guard of its next write, and
    /// what makes `apply` skip a change it already applied. Changed by `apply`.
    let metadataVersions = NIOLockedValueBox<[String: MetadataVersion]>([:])
    /// The version at which each topic applied here was deleted, so that a create or update that was
    /// stored before the deletion but arrives after it is not applied.
    let deletedVersions = NIOLockedValueBox<[String: MetadataVersion]>([:])
    /// The stored version of the runtime broker configs applied here.
    let dynamicConfigsVersion = NIOLockedValueBox<MetadataVersion>(.absent)
    /// Logs opened by a create or CreatePartitions on this broker before its store write, handed to
    /// `apply` when the write's change is applied (see `TopicRegistry+Apply.swift`).
    let preopened = NIOLockedValueBox<[String: PreopenedPartitions]>([:])
    /// The last change being applied: every `apply` runs after it, so changes apply one at a time, in order.
    let applyTail: NIOLockedValueBox<EventLoopFuture<Void>>
    /// Who holds the replicas of partitions created here; in a cluster, partitions open with no role.
    public let assigner: ReplicaAssigner

    init(dataDirectory: DataDirectory, metadataStore: any MetadataStore, config: BrokerConfig,
         group: EventLoopGroup, threadPool: NIOThreadPool, logger: Logger, clock: @escaping @Sendable () -> Int64,
         assigner: ReplicaAssigner? = nil) {
        self.assigner = assigner ?? .singleNode(config.nodeId)
        // A cluster's brokers share one stored map: each broker's own settings carry its node id.
        self.dynamicConfigs = DynamicBrokerConfigs(nodeId: self.assigner.isCluster ? config.nodeId : nil)
        self.directory = dataDirectory
        self.metadataStore = metadataStore
        self.config = config
        self.group = group
        self.loops = Array(group.makeIterator())
        self.threadPool = threadPool
        self.logger = logger
        self.clock = clock
        self.cleanerCheckpoints = CleanerCheckpoints(directory: dataDirectory.path, logger: logger)
        self.applyTail = NIOLockedValueBox(group.next().makeSucceededVoidFuture())
    }

    public func topic(named name: String) -> Topic? {
        topics.withLockedValue { $0[name] }
    }

    public var allTopics: [Topic] {
        topics.withLockedValue { Array($0.values) }.sorted { $0.name < $1.name }
    }

    /// A stable event loop for a partition, so the same partition always lands on the same loop.
    func loop(for tp: TopicPartition) -> EventLoop {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in tp.directoryName.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return loops[Int(hash % UInt64(loops.count))]
    }

    /// Reopens every topic of `records` (read from the metadata store at start-up) with the
    /// partitions this node holds (a topic with none here is still known, with no logs), except
    /// those named in `deferred`: their metadata is read and their names reserved, but their logs
    /// are opened later by `openReserved`, so that start-up does not wait for them. Runs before
    /// anything else uses the registry.
    func loadExisting(_ records: [TopicMetadataRecord], dynamicConfigs dynamic: Versioned<[String: String]>,
                      deferring deferred: Set<String> = []) throws {
        try dataDirectoryLock.withLock {
            let dir = directory
            dynamicConfigs.load(dynamic.value)
            dynamicConfigsVersion.withLockedValue { $0 = dynamic.version }
            purgeDeletedPartitions()
            let declared = Dictionary(uniqueKeysWithValues: records.map {
                ($0.name, Set(TopicPlacement.hostedPartitions(of: $0, on: config.nodeId)))
            })
            try moveAsideUnownedFolders(declared: declared, in: dir)
            for record in records {
                let name = record.name
                metadataVersions.withLockedValue { $0[name] = record.version }
                if deferred.contains(name) {
                    reserved.withLockedValue {
                        $0[name] = ReservedTopic(id: record.topicId, partitions: record.partitionCount, configs: record.configs)
                    }
                    continue
                }
                let topic = try openTopic(record, in: dir)
                topics.withLockedValue { $0[name] = topic }
            }
            // The deferred internal topics are compacted too: their entries must survive until they open.
            var ids = Dictionary(uniqueKeysWithValues: allTopics.map { ($0.name, $0.id) })
            for (name, topic) in reserved.withLockedValue({ $0 }) { ids[name] = topic.id }
            cleanerCheckpoints.load(ids: ids)
        }
    }

    /// Moves aside every `<topic>-<partition>` folder no stored topic owns here (its topic has no
    /// metadata, its index is beyond the recorded count — a create that failed or crashed half-way —
    /// or its replicas are on other nodes),
    /// never opening it. (Metadata written by older versions without a count owns every folder of its
    /// topic: the store counts them.) Call with `dataDirectoryLock` held.
    private func moveAsideUnownedFolders(declared: [String: Set<Int32>], in dir: DataDirectory) throws {
        for tp in dir.existingPartitions() {
            if declared[tp.topic]?.contains(tp.partition) == true { continue }
            let movedTo = try dir.moveAsideStray(tp)
            logger.warning("moved aside a partition folder that no topic metadata owns", metadata: [
                "brook.partition": "\(tp)", "brook.movedTo": "\(movedTo)",
            ])
        }
    }

    /// Replica lists for `count` partitions held by this node alone.
    func localAssignment(_ count: Int32) -> [[Int32]] {
        Array(repeating: [config.nodeId], count: Int(max(0, count)))
    }

    /// The stored version of `name`'s record as applied here.
    func metadataVersion(of name: String) -> MetadataVersion {
        metadataVersions.withLockedValue { $0[name] } ?? .absent
    }

    /// The topic of `record` with the logs of the partitions this node holds opened.
    private func openTopic(_ record: TopicMetadataRecord, in dir: DataDirectory) throws -> Topic {
        let hosted = TopicPlacement.hostedPartitions(of: record, on: config.nodeId)
        let partitions = try openPartitions(record.name, hosted, configs: record.configs, in: dir)
        return Topic(name: record.name, id: record.topicId, partitionCount: record.partitionCount, hosted: partitions,
                     configs: record.configs)
    }

    /// Opens (creating if needed) the logs of partitions `indices` of a topic with these overrides.
    /// All or nothing: when one fails, the logs opened so far are closed and the folders this call
    /// created are removed before the error is thrown.
    func openPartitions<Indices: Sequence<Int32>>(_ name: String, _ indices: Indices, configs: [String: String],
                                                  in dir: DataDirectory) throws -> [Partition] {
        let logConfig = resolver.logConfig(overrides: configs)
        let now = clock()
        var partitions: [Partition] = []
        var created: [TopicPartition] = []
        do {
            for index in indices {
                let tp = TopicPartition(topic: name, partition: index)
                if !dir.hasFolder(tp) { created.append(tp) }
                let log = try dir.openLog(tp, config: logConfig, now: now)
                partitions.append(Partition(topicPartition: tp, log: log, eventLoop: loop(for: tp), threadPool: threadPool,
                                            logger: logger, clock: clock, nodeId: config.nodeId,
                                            replicated: assigner.isCluster,
                                            checkpointedHighWatermark: dir.checkpointedHighWatermark(tp)))
            }
        } catch {
            discard(partitions, removingFolders: created, in: dir)
            throw error
        }
        return partitions
    }

    /// Undoes `openPartitions` for logs no one else has seen: closes them and removes `folders`.
    func discard(_ partitions: [Partition], removingFolders folders: [TopicPartition], in dir: DataDirectory) {
        for partition in partitions {
            do { try partition.log.close() } catch {
                logger.warning("could not close a partition of a failed request", metadata: [
                    "brook.partition": "\(partition.topicPartition)", "error": "\(error)"])
            }
        }
        for tp in folders {
            do { try dir.removeUnusedPartitionFolder(tp) } catch {
                logger.error("could not remove the folder of a partition of a failed request; it is moved aside at the next start",
                             metadata: ["brook.partition": "\(tp)", "error": "\(error)"])
            }
        }
    }

    /// Creates a topic (or validates that it could be, with `validateOnly`): the logs this node
    /// holds open first, then the record is stored, then the stored change is applied here (other
    /// brokers apply it from the store's change stream). All or nothing: when the store refuses or
    /// fails, the logs are closed and their folders removed; a crash in between leaves only folders
    /// no metadata owns, which the next start-up moves aside.
    @discardableResult
    public func createTopic(name: String, partitions requested: Int32, replicationFactor: Int16,
                            configs: [String: String], validateOnly: Bool,
                            assignment manual: [[Int32]]? = nil) async throws(TopicCreationError) -> Topic? {
        if let problem = TopicNameValidator.problem(with: name) { throw .invalidName(problem) }
        let partitionCount = manual.map { Int32($0.count) } ?? (requested == -1 ? config.numPartitions : requested)
        guard partitionCount > 0 else { throw .invalidPartitions("Number of partitions must be larger than 0.") }
        let factor = replicationFactor == -1 ? config.defaultReplicationFactor : replicationFactor
        let placed: Result<[[Int32]], TopicCreationError> = manual.map { assigner.validate(manual: $0, replicationFactor: nil) }
            ?? assigner.assign(partitions: partitionCount, replicationFactor: factor)
        let assignment = try placed.get()
        if let problem = TopicConfigCatalog.problem(with: configs) { throw .invalidConfig(problem) }
        let record = TopicMetadataRecord(name: name, topicId: KafkaUUID.random(),
                                         replicaAssignment: assignment, configs: configs)
        try claimName(name, topicId: record.topicId, validateOnly: validateOnly).get()
        if validateOnly { return nil }
        let stored: TopicMetadataRecord
        do {
            stored = try await storeWithPreopenedLogs(record, partitions: 0..<partitionCount) {
                try await self.metadataStore.createTopic(record)
            }
        } catch MetadataStoreError.topicExists {
            throw .alreadyExists("Topic '\(name)' already exists.")
        } catch {
            throw .storage("Failed to create topic \(name): \(error)")
        }
        do {
            try await apply(.topicCreated(stored)).get()
        } catch {
            throw .storage("Failed to create topic \(name): \(error)")
        }
        logger.info("created topic", metadata: ["brook.topic": "\(name)", "partitions": "\(partitionCount)"])
        return topic(named: name)
    }

    /// Takes `name` for a create in progress (its logs are opened under this claim, see `preopened`),
    /// unless a topic, a reserved internal topic or another create has it or a name colliding with it.
    /// With `validateOnly` only checks.
    private func claimName(_ name: String, topicId: KafkaUUID, validateOnly: Bool) -> Result<Void, TopicCreationError> {
        dataDirectoryLock.withLock {
            // A reserved internal topic exists as far as clients are concerned, though not open yet.
            let existing = Set(topics.withLockedValue { $0.keys }).union(reserved.withLockedValue { $0.keys })
                .union(preopened.withLockedValue { $0.keys })
            if existing.contains(name) { return .failure(.alreadyExists("Topic '\(name)' already exists.")) }
            let key = TopicNameValidator.collisionKey(name)
            if let clash = existing.first(where: { TopicNameValidator.collisionKey($0) == key }) {
                return .failure(.invalidName("Topic '\(name)' collides with existing topic: \(clash)"))
            }
            if !validateOnly {
                preopened.withLockedValue { $0[name] = PreopenedPartitions(topicId: topicId, first: 0, partitions: []) }
            }
            return .success(())
        }
    }

    /// Returns the topic, creating it with the broker defaults when auto-creation applies
    /// (`.alreadyExists` while another request is still creating it).
    func topicOrAutoCreate(_ name: String, allowed: Bool) async -> Result<Topic, TopicCreationError>? {
        if let topic = topic(named: name) { return .success(topic) }
        guard allowed, config.autoCreateTopics else { return nil }
        do {
            if let topic = try await createTopic(name: name, partitions: -1, replicationFactor: -1, configs: [:],
                                                 validateOnly: false) {
                return .success(topic)
            }
            return nil
        } catch .alreadyExists(let message) {
            // Created meanwhile, or still being created by another request (an error then).
            return topic(named: name).map { .success($0) } ?? .failure(.alreadyExists(message))
        } catch {
            return .failure(error)
        }
    }

    /// Closes every partition log and records checkpoints and the clean-shutdown marker. With the
    /// directory offline (an I/O error) neither is written: the next start recovers from the last
    /// periodic checkpoint. The lock is released in every case.
    func shutdown() -> EventLoopFuture<Void> {
        cancelFolderRemovals()
        let all = allTopics.flatMap { topic in topic.partitions.map { ($0.topicPartition, $0) } }
        let futures = all.map { tp, partition in partition.close().map { (tp, $0) } }
        return EventLoopFuture.whenAllComplete(futures, on: group.next()).flatMapThrowing { results in
            var checkpoints: [TopicPartition: (recoveryPoint: Int64, logStartOffset: Int64)] = [:]
            var watermarks: [TopicPartition: Int64] = [:]
            var failure: Error?
            for result in results {
                switch result {
                case .success(let (tp, value)):
                    checkpoints[tp] = (value.recoveryPoint, value.logStartOffset)
                    watermarks[tp] = value.highWatermark
                case .failure(let error): failure = failure ?? error
                }
            }
            try self.dataDirectoryLock.withLock {
                let dir = self.directory
                defer { dir.unlock() }
                if let reason = dir.health.offlineReason {
                    self.logger.error("log directory offline: shutting down without checkpoints or clean-shutdown marker",
                                      metadata: ["brook.dataDir": "\(dir.path)", "reason": "\(reason)"])
                    return
                }
                if let failure { throw failure }
                try dir.writeCheckpoints(checkpoints, highWatermarks: watermarks)
                try dir.markCleanShutdown()
            }
        }
    }

    /// Releases the data-directory lock without the clean-shutdown marker (start-up failure paths).
    func unlock() {
        dataDirectoryLock.withLock { directory.unlock() }
    }

    /// Every partition, for periodic flush checks.
    var allPartitions: [Partition] { allTopics.flatMap(\.partitions) }
}

/// Topic-level config names Kafka accepts (values validated in the admin issue).
public enum TopicConfigKeys {
    public static let known: Set<String> = [
        "cleanup.policy", "compression.type", "delete.retention.ms", "file.delete.delay.ms", "flush.messages",
        "flush.ms", "follower.replication.throttled.replicas", "index.interval.bytes",
        "leader.replication.throttled.replicas", "local.retention.bytes", "local.retention.ms",
        "max.compaction.lag.ms", "max.message.bytes", "message.downconversion.enable", "message.format.version",
        "message.timestamp.after.max.ms", "message.timestamp.before.max.ms", "message.timestamp.difference.max.ms",
        "message.timestamp.type", "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "min.insync.replicas",
        "preallocate", "remote.storage.enable", "retention.bytes", "retention.ms", "segment.bytes",
        "segment.index.bytes", "segment.jitter.ms", "segment.ms", "unclean.leader.election.enable",
    ]
}
