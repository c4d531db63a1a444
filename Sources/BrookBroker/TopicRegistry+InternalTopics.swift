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
        if let open = topic(named: name) { return Int32(open.partitions.count) }
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
    /// when cancelled.
    func openReserved(_ name: String, isCancelled: () -> Bool) async throws -> Topic? {
        if let open = topic(named: name) { return open }
        if isCancelled() { return nil }
        guard let wanted = reserved.withLockedValue({ $0[name] }) else {
            throw TopicCreationError.storage("\(name) is not reserved")
        }
        let created = wanted.id == nil
        if created {
            let id = KafkaUUID.random()
            let record = TopicMetadataRecord(name: name, topicId: id, replicaAssignment: localAssignment(wanted.partitions),
                                             configs: wanted.configs)
            let stored: TopicMetadataRecord
            do {
                stored = try await metadataStore.createTopic(record)
            } catch MetadataStoreError.topicExists {
                // Another broker of the cluster created it first: open the one stored.
                guard let existing = try await metadataStore.loadTopics().first(where: { $0.name == name }) else {
                    throw MetadataStoreError.topicNotFound(name)
                }
                stored = existing
            }
            // Records the version and id; the topic stays reserved, so its logs are opened below.
            try await apply(.topicCreated(stored)).get()
        }
        // One partition per lock hold: the directory's checkpoint maps need the lock, and CreateTopics
        // should never wait for a whole internal topic.
        var partitions: [Partition] = []
        do {
            for index in 0..<wanted.partitions {
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
        let topic = Topic(name: name, id: id, partitions: partitions, configs: wanted.configs)
        dataDirectoryLock.withLock {
            topics.withLockedValue { $0[name] = topic }
            reserved.withLockedValue { $0[name] = nil }
        }
        logger.info(created ? "created topic" : "opened topic",
                    metadata: ["brook.topic": "\(name)", "partitions": "\(wanted.partitions)"])
        return topic
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
