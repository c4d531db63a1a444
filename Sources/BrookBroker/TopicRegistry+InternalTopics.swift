import BrookCluster
import BrookProtocol
import BrookStorage

/// An internal topic (`__consumer_offsets`, `__transaction_state`) whose name and size are known from
/// start-up but whose logs are opened, or created, only after the listener is up.
struct ReservedTopic: Sendable {
    /// nil: not on disk yet; `openReserved` creates it.
    var id: KafkaUUID?
    var partitions: Int32
    var configs: [String: String]
}

/// Opening the internal topics in the background. While reserved, a name is taken (CreateTopics
/// answers TOPIC_ALREADY_EXISTS) but the topic is not in `topics`, so nothing can reach its
/// partitions before every one of them is open.
extension TopicRegistry {
    /// Reserves `name` unless the data directory already holds it (then `loadExisting` reserved it
    /// with its stored size). Returns the partition count the topic will have.
    func reserve(_ name: String, partitions: Int32, configs: [String: String]) -> Int32 {
        if let open = topic(named: name) { return open.partitionCount }
        return reserved.withLockedValue { reserved in
            if let known = reserved[name] { return known.partitions }
            reserved[name] = ReservedTopic(id: nil, partitions: partitions, configs: configs)
            return partitions
        }
    }

    /// Whether `name` is reserved and not open yet.
    func isReserved(_ name: String) -> Bool {
        reserved.withLockedValue { $0[name] != nil }
    }

    /// Opens (creating on first start) a reserved topic and makes it visible. The file work runs on
    /// the thread pool, one partition at a time. Checks `isCancelled` before each partition; on
    /// cancellation or failure it closes what it opened and leaves the name reserved. Returns nil
    /// when cancelled. A single node creates it with every replica here; a cluster's broker with
    /// `replicationFactor` replicas placed over the live brokers (see `storeInCluster`).
    func openReserved(_ name: String, replicationFactor: Int16 = 1, isCancelled: () -> Bool) async throws -> Topic? {
        if let open = topic(named: name) { return open }
        if isCancelled() { return nil }
        guard let wanted = reserved.withLockedValue({ $0[name] }) else {
            throw TopicCreationError.storage("\(name) is not reserved")
        }
        var created = false
        // A cluster's broker opens the partitions it holds a replica of; a single node all of them.
        var hosted = Array(0..<wanted.partitions)
        if assigner.isCluster {
            (created, hosted) = try await storeInCluster(name, wanted, replicationFactor: replicationFactor)
        } else if wanted.id == nil {
            created = true
            let id = KafkaUUID.random()
            let record = TopicMetadataRecord(name: name, topicId: id, replicaAssignment: localAssignment(wanted.partitions),
                                             configs: wanted.configs)
            let stored: TopicMetadataRecord
            do {
                stored = try await metadataStore.createTopic(record)
            } catch MetadataStoreError.topicExists {
                stored = try await storedRecord(name)
            }
            // Records the version and id; the topic stays reserved, so its logs are opened below.
            try await apply(.topicCreated(stored)).get()
        }
        // One partition per lock hold: the directory's checkpoint maps need the lock, and CreateTopics
        // should never wait for a whole internal topic.
        var partitions: [Partition] = []
        do {
            for index in hosted {
                if isCancelled() {
                    closeUnpublished(partitions)
                    return nil
                }
                partitions += try await threadPool.runIfActive {
                    try self.dataDirectoryLock.withLock {
                        try self.openPartitions(name, index..<index + 1, configs: wanted.configs, in: self.directory)
                    }
                }
            }
        } catch {
            closeUnpublished(partitions)
            throw error
        }
        guard let id = reserved.withLockedValue({ $0[name]?.id }) else {
            closeUnpublished(partitions)
            throw TopicCreationError.storage("\(name) is no longer reserved")
        }
        let topic = Topic(name: name, id: id, partitionCount: wanted.partitions, hosted: partitions, configs: wanted.configs)
        dataDirectoryLock.withLock {
            topics.withLockedValue { $0[name] = topic }
            reserved.withLockedValue { $0[name] = nil }
        }
        logger.info(created ? "created topic" : "opened topic",
                    metadata: ["brook.topic": "\(name)", "partitions": "\(wanted.partitions)"])
        return topic
    }

    /// A cluster's internal topic: the stored record, or (absent) a new one with `replicationFactor`
    /// replicas per partition placed over the live brokers; the first broker to store it wins. As
    /// Kafka, creation waits for enough live brokers: `InternalTopicError.notEnoughBrokers` tells
    /// the caller to try again later. Returns whether this broker created it, and the partitions it
    /// holds a replica of.
    private func storeInCluster(_ name: String, _ wanted: ReservedTopic,
                                replicationFactor: Int16) async throws -> (created: Bool, hosted: [Int32]) {
        var created = false
        let stored: TopicMetadataRecord
        if let existing = try await metadataStore.loadTopics().first(where: { $0.name == name }) {
            stored = existing
        } else {
            let assignment: [[Int32]]
            switch assigner.assign(partitions: wanted.partitions, replicationFactor: replicationFactor) {
            case .success(let placed): assignment = placed
            case .failure(let error): throw InternalTopicError.notEnoughBrokers("\(error)")
            }
            let record = TopicMetadataRecord(name: name, topicId: KafkaUUID.random(), replicaAssignment: assignment,
                                             configs: wanted.configs)
            do {
                stored = try await metadataStore.createTopic(record)
                created = true
            } catch MetadataStoreError.topicExists {
                stored = try await storedRecord(name)
            }
        }
        // Records the version and id; the topic stays reserved, so its logs are opened next.
        try await apply(.topicCreated(stored)).get()
        guard stored.partitionCount == wanted.partitions else {
            // The shards were laid out for `wanted.partitions`: a group would hash to another shard.
            throw InternalTopicError.partitionCountMismatch(stored: stored.partitionCount, configured: wanted.partitions)
        }
        return (created, TopicPlacement.hostedPartitions(of: stored, on: config.nodeId))
    }

    private func storedRecord(_ name: String) async throws -> TopicMetadataRecord {
        guard let existing = try await metadataStore.loadTopics().first(where: { $0.name == name }) else {
            throw MetadataStoreError.topicNotFound(name)
        }
        return existing
    }

    /// Closes logs no one else has seen (they never reached `topics`), so no handle outlives shutdown.
    private func closeUnpublished(_ partitions: [Partition]) {
        for partition in partitions {
            do { try partition.log.close() } catch {
                logger.warning("could not close partition", metadata: [
                    "brook.partition": "\(partition.topicPartition)", "error": "\(error)"])
            }
        }
    }
}

/// Why a cluster's internal topic cannot be opened (yet).
enum InternalTopicError: Error, Equatable, CustomStringConvertible {
    /// Fewer live brokers than its replication factor: try again once more have registered.
    case notEnoughBrokers(String)
    /// Stored with another partition count than this broker's `*.num.partitions`.
    case partitionCountMismatch(stored: Int32, configured: Int32)

    var description: String {
        switch self {
        case .notEnoughBrokers(let why): return "not enough live brokers: \(why)"
        case .partitionCountMismatch(let stored, let configured):
            return "stored with \(stored) partitions, configured for \(configured)"
        }
    }
}
