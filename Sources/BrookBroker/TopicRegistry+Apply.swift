import BrookCluster
import BrookProtocol
import BrookStorage
import Logging
import NIOCore

/// Logs a create or CreatePartitions on this broker opened before storing its record: the hosted
/// ones among partitions `first...` of the topic with this id (possibly none). Published by `apply`
/// when the stored change arrives; closed and removed when the store write fails.
struct PreopenedPartitions: Sendable {
    var topicId: KafkaUUID
    var first: Int32
    var partitions: [Partition]
}

/// Which partitions of a stored topic this node holds a replica of.
enum TopicPlacement {
    /// The indices of the partitions whose replica list names `nodeId`.
    static func hostedPartitions(of record: TopicMetadataRecord, on nodeId: Int32) -> [Int32] {
        record.replicaAssignment.indices.filter { record.replicaAssignment[$0].contains(nodeId) }.map { Int32($0) }
    }

    /// The hosted partitions among `range`.
    static func hostedPartitions(of record: TopicMetadataRecord, on nodeId: Int32, in range: Range<Int32>) -> [Int32] {
        hostedPartitions(of: record, on: nodeId).filter { range.contains($0) }
    }
}

/// Applying the metadata store's changes: topics created, changed or deleted (by this broker or,
/// in a cluster, any other) and runtime broker configs. A writer stores first and then applies the
/// change it stored; a broker following the store (`followChanges`) applies every change from the
/// stream. Both paths meet in `apply`, which runs one change at a time and skips what it has
/// already applied (by version), so the same change arriving twice is harmless.
extension TopicRegistry {
    /// Applies `change` after every change applied before it. Idempotent: a change at or below the
    /// version applied for its topic (or its deletion) does nothing. Fails when the logs of a new
    /// partition cannot be opened; the change then stays unapplied.
    public func apply(_ change: MetadataChange) -> EventLoopFuture<Void> {
        serially {
            switch change {
            case .topicCreated(let record), .topicUpdated(let record):
                return self.threadPool.runIfActive(eventLoop: self.group.next()) { try self.applyTopic(record) }
            case .topicDeleted(let name, let version):
                return self.applyDeletion(of: name, at: version)
            case .dynamicBrokerConfigsChanged(let configs):
                self.applyDynamicConfigs(configs)
                return self.group.next().makeSucceededVoidFuture()
            }
        }
    }

    /// Applies the store's changes from now on, until the store ends the stream or the task is
    /// cancelled: how a broker of a cluster learns of what other brokers stored. Subscribe before
    /// reading the store at start-up (changes stored in between are then applied, or skipped as
    /// already applied). A change that fails to apply is logged and left for the next one.
    /// `applied` is told of each change once applied (with the error when it failed), for whoever
    /// waits for the registry to catch up.
    func followChanges(_ changes: AsyncStream<MetadataChange>,
                       applied: @escaping @Sendable (MetadataChange, (any Error)?) -> Void = { _, _ in }) -> Task<Void, Never> {
        Task {
            for await change in changes {
                do {
                    try await apply(change).get()
                    applied(change, nil)
                } catch {
                    logger.error("could not apply a metadata change", metadata: ["change": "\(change)", "error": "\(error)"])
                    applied(change, error)
                }
            }
        }
    }

    /// Runs `body` once every earlier one has completed (successfully or not).
    private func serially<T: Sendable>(_ body: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        applyTail.withLockedValue { tail in
            let result = tail.flatMap { body() }
            tail = result.map { _ in }.recover { _ in }
            return result
        }
    }

    /// Whether `version` of `name` was applied already (or superseded by a deletion applied here).
    private func isApplied(_ name: String, _ version: MetadataVersion) -> Bool {
        if let applied = metadataVersions.withLockedValue({ $0[name] }), version <= applied { return true }
        if let deleted = deletedVersions.withLockedValue({ $0[name] }), version <= deleted { return true }
        return false
    }

    /// A topic created or changed: makes it known here and opens the partitions (or new partitions)
    /// this node holds, takes its new configs. Blocking file work: runs on the thread pool.
    private func applyTopic(_ record: TopicMetadataRecord) throws {
        let name = record.name
        guard !isApplied(name, record.version) else { return }
        if reserved.withLockedValue({ $0[name] != nil }) {
            // An internal topic not open yet: `openReserved` opens it as now stored.
            reserved.withLockedValue { $0[name]?.id = record.topicId }
            metadataVersions.withLockedValue { $0[name] = record.version }
            return
        }
        guard let topic = topic(named: name), topic.id == record.topicId else {
            try openNewTopic(record)
            return
        }
        let current = topic.partitionCount
        if record.partitionCount > current {
            let added = try takePreopened(name, id: record.topicId, first: current) ?? dataDirectoryLock.withLock {
                let hosted = TopicPlacement.hostedPartitions(of: record, on: config.nodeId, in: current..<record.partitionCount)
                return try openPartitions(name, hosted, configs: record.configs, in: directory)
            }
            topic.grow(to: record.partitionCount, hosting: added)
        }
        try applyReplicaChanges(to: topic, record, below: current)
        if topic.configs != record.configs {
            topic.replaceConfigs(record.configs)
            let logConfig = resolver.logConfig(overrides: record.configs)
            for partition in topic.partitions {
                partition.eventLoop.execute { partition.log.config = logConfig }
            }
        }
        metadataVersions.withLockedValue { $0[name] = record.version }
    }

    private func openNewTopic(_ record: TopicMetadataRecord) throws {
        let name = record.name
        if let stale = topic(named: name) {
            // Deleted and created again while this node missed the deletion: the same folders cannot
            // be opened twice, so the old topic's deletion must be applied first.
            throw TopicCreationError.storage("topic \(name) is open here with id \(stale.id), not \(record.topicId)")
        }
        // A topic with no partition here is known all the same (Metadata lists it from any broker).
        let partitions = try takePreopened(name, id: record.topicId, first: 0) ?? dataDirectoryLock.withLock {
            try openPartitions(name, TopicPlacement.hostedPartitions(of: record, on: config.nodeId),
                               configs: record.configs, in: directory)
        }
        let topic = Topic(name: name, id: record.topicId, partitionCount: record.partitionCount, hosted: partitions,
                          configs: record.configs)
        dataDirectoryLock.withLock {
            topics.withLockedValue { $0[name] = topic }
            metadataVersions.withLockedValue { $0[name] = record.version }
        }
    }

    /// The logs this broker opened for `name` before storing it, if they are the ones the change
    /// needs; the claim of a write that opened nothing here (its partitions live elsewhere) is dropped.
    private func takePreopened(_ name: String, id: KafkaUUID, first: Int32) -> [Partition]? {
        dataDirectoryLock.withLock {
            preopened.withLockedValue { all in
                guard let entry = all[name], entry.topicId == id, entry.first == first else { return nil }
                all[name] = nil
                return entry.partitions.isEmpty ? nil : entry.partitions
            }
        }
    }

    /// Opens the partitions this node holds among `range` of `record` (those a write on this broker
    /// is about to store) on the thread pool, runs `store`, and keeps the logs for `apply` when it
    /// succeeds; when it fails, the logs are closed and the folders they created removed, and the
    /// claim on the name is dropped.
    func storeWithPreopenedLogs<Stored: Sendable>(_ record: TopicMetadataRecord, partitions range: Range<Int32>,
                                                  _ store: @Sendable () async throws -> Stored) async throws -> Stored {
        let name = record.name
        // In a cluster the logs open only when the stored change is applied: another broker's create
        // of the same name may win the store and be applied here meanwhile, and two logs must never
        // share a folder (nor may this create's failure remove the winner's).
        let hosted = assigner.isCluster ? [] : TopicPlacement.hostedPartitions(of: record, on: config.nodeId, in: range)
        let opened: [Partition]
        do {
            opened = hosted.isEmpty ? [] : try await threadPool.runIfActive {
                try self.dataDirectoryLock.withLock {
                    try self.openPartitions(name, hosted, configs: record.configs, in: self.directory)
                }
            }
        } catch {
            releaseClaim(name, id: record.topicId)
            throw error
        }
        preopened.withLockedValue { $0[name] = PreopenedPartitions(topicId: record.topicId, first: range.lowerBound, partitions: opened) }
        do {
            return try await store()
        } catch {
            let unused = dataDirectoryLock.withLock {
                preopened.withLockedValue { all -> [Partition] in
                    guard let entry = all[name], entry.topicId == record.topicId else { return [] }
                    all[name] = nil
                    return entry.partitions
                }
            }
            if !unused.isEmpty {
                try? await threadPool.runIfActive {
                    self.dataDirectoryLock.withLock {
                        self.discard(unused, removingFolders: unused.map(\.topicPartition), in: self.directory)
                    }
                }
            }
            throw error
        }
    }

    /// Drops a create's claim on `name` (see `claimName`) and logs it did not use.
    func releaseClaim(_ name: String, id: KafkaUUID) {
        preopened.withLockedValue { all in
            if all[name]?.topicId == id { all[name] = nil }
        }
    }

    /// A topic deleted: closes the logs it has here on their loops, renames their folders to
    /// `…-delete`, forgets its cleaner checkpoints, and removes the folders after
    /// `log.segment.delete.delay.ms`. Completes once the name is free again and the cleaner
    /// checkpoint no longer names the topic.
    private func applyDeletion(of name: String, at version: MetadataVersion) -> EventLoopFuture<Void> {
        let loop = group.next()
        guard !isApplied(name, version) else { return loop.makeSucceededVoidFuture() }
        deletedVersions.withLockedValue { $0[name] = version }
        metadataVersions.withLockedValue { $0[name] = nil }
        guard let topic = topic(named: name) else { return loop.makeSucceededVoidFuture() }
        let closed = topic.partitions.map { partition in
            partition.eventLoop.submit { try partition.log.close() }
        }
        return EventLoopFuture.andAllComplete(closed, on: loop).flatMapThrowing { () -> [String] in
            try self.dataDirectoryLock.withLock { () throws -> [String] in
                var folders: [String] = []
                for partition in topic.partitions {
                    folders.append(try self.directory.markForDeletion(partition.topicPartition))
                    self.directory.forgetPartition(partition.topicPartition)
                }
                // Before the name is free, so no later checkpoint write can still carry the old entries.
                self.cleanerCheckpoints.forgetTopic(topic)
                self.topics.withLockedValue { $0[name] = nil }
                return folders
            }
        }.flatMap { folders in
            self.logger.info("deleted topic", metadata: ["brook.topic": "\(name)"])
            // Written before replying: once the client sees the deletion, a restart cannot hand the old
            // offsets to a topic re-created under the same name. The folders' delay starts with the reply.
            return self.cleanerCheckpoints.writeInBackground(threadPool: self.threadPool, on: loop).map {
                self.removeAfterDelay(folders)
            }
        }
    }

    /// Runtime broker configs changed: every partition gets its new log settings, and every cached
    /// produce policy is resolved again (`DynamicBrokerConfigs.generation`).
    private func applyDynamicConfigs(_ configs: Versioned<[String: String]>) {
        let isNew = dynamicConfigsVersion.withLockedValue { applied in
            guard configs.version > applied else { return false }
            applied = configs.version
            return true
        }
        guard isNew else { return }
        dynamicConfigs.load(configs.value)
        let resolver = self.resolver
        for topic in allTopics {
            let logConfig = resolver.logConfig(overrides: topic.configs)
            for partition in topic.partitions {
                partition.eventLoop.execute { partition.log.config = logConfig }
            }
        }
    }
}
