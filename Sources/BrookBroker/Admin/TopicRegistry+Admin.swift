import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

/// Topic lifecycle changes made by the admin APIs: deletion, more partitions, new configs.
extension TopicRegistry {
    public func topic(id: KafkaUUID) -> Topic? {
        topics.withLockedValue { $0.values.first { $0.id == id } }
    }

    /// Deletes a topic: closes its logs on their loops, renames their folders to `…-delete`, forgets
    /// its metadata and cleaner checkpoints, and removes the folders after `log.segment.delete.delay.ms`.
    /// Completes once the name is free again and the cleaner checkpoint no longer names the topic.
    func deleteTopic(_ topic: Topic, on loop: EventLoop) -> EventLoopFuture<Void> {
        if topic.isInternal {
            return loop.makeFailedFuture(AdminError(.invalidTopicException, "Cannot delete internal topic \(topic.name)."))
        }
        let closed = topic.partitions.map { partition in
            partition.eventLoop.submit { try partition.log.close() }
        }
        return EventLoopFuture.andAllComplete(closed, on: loop).flatMapThrowing { () -> [String]? in
            let folders = try self.dataDirectoryLock.withLock { () throws -> [String]? in
                guard self.topics.withLockedValue({ $0[topic.name] === topic }) else { return nil }
                var folders: [String] = []
                for partition in topic.partitions {
                    folders.append(try self.directory.markForDeletion(partition.topicPartition))
                    self.directory.forgetPartition(partition.topicPartition)
                }
                try self.metadataStore.deleteTopic(named: topic.name, expectedVersion: self.metadataVersion(of: topic.name))
                self.metadataVersions.withLockedValue { $0[topic.name] = nil }
                // Before the name is free, so no later checkpoint write can still carry the old entries.
                self.cleanerCheckpoints.forgetTopic(topic)
                self.topics.withLockedValue { $0[topic.name] = nil }
                return folders
            }
            if folders != nil { self.logger.info("deleted topic", metadata: ["brook.topic": "\(topic.name)"]) }
            return folders
        }.flatMap { folders in
            guard let folders else { return loop.makeSucceededVoidFuture() }
            // Written before replying: once the client sees the deletion, a restart cannot hand the old
            // offsets to a topic re-created under the same name. The folders' delay starts with the reply.
            return self.cleanerCheckpoints.writeInBackground(threadPool: self.threadPool, on: loop).map {
                self.removeAfterDelay(folders)
            }
        }
    }

    /// Schedules the removal of folders left as `…-delete` before this start (a deletion interrupted by
    /// a crash or a shutdown), after the delay counted from start-up, as Kafka does.
    func purgeDeletedPartitions() {
        removeAfterDelay(directory.pendingDeletions())
    }

    /// CreatePartitions: grows `topic` to `count` partitions.
    func addPartitions(_ topic: Topic, count: Int32, validateOnly: Bool) throws(AdminError) {
        let result: Result<Void, AdminError> = dataDirectoryLock.withLock {
            let current = Int32(topic.partitions.count)
            if count == current {
                return .failure(AdminError(.invalidPartitions, "Topic already has \(current) partition(s)."))
            }
            if count < current {
                return .failure(AdminError(.invalidPartitions,
                    "The topic \(topic.name) currently has \(current) partition(s); \(count) would not be an increase."))
            }
            if validateOnly { return .success(()) }
            do {
                // All or nothing, as in createTopic: new logs first (undone on failure), metadata last.
                let added = try openPartitions(topic.name, current..<count, configs: topic.configs, in: directory)
                do {
                    // The store keeps the old record when it fails.
                    let stored = try metadataStore.addPartitions(named: topic.name, assignments: localAssignment(count - current),
                                                                 expectedVersion: metadataVersion(of: topic.name))
                    metadataVersions.withLockedValue { $0[topic.name] = stored.version }
                } catch {
                    discard(added, removingFolders: added.map(\.topicPartition), in: directory)
                    throw error
                }
                topic.appendPartitions(added)
                return .success(())
            } catch {
                return .failure(AdminError(.kafkaStorageError, "\(error)"))
            }
        }
        try result.get()
    }

    /// AlterConfigs / IncrementalAlterConfigs: replaces the topic's overrides after validating them,
    /// persists them and hands the new log settings to every partition on its loop.
    func replaceConfigs(_ topic: Topic, with configs: [String: String], validateOnly: Bool) throws(AdminError) {
        if let problem = TopicConfigCatalog.problem(with: configs) { throw AdminError(.invalidConfig, problem) }
        if validateOnly { return }
        let result: Result<Void, AdminError> = dataDirectoryLock.withLock {
            do {
                let stored = try metadataStore.replaceTopicConfigs(named: topic.name, with: configs,
                                                                   expectedVersion: metadataVersion(of: topic.name))
                metadataVersions.withLockedValue { $0[topic.name] = stored.version }
            } catch {
                return .failure(AdminError(.kafkaStorageError, "\(error)"))
            }
            topic.replaceConfigs(configs)
            return .success(())
        }
        try result.get()
        let logConfig = resolver.logConfig(overrides: configs)
        for partition in topic.partitions {
            partition.eventLoop.execute { partition.log.config = logConfig }
        }
    }
}

/// Runtime changes of broker-level topic defaults.
extension TopicRegistry {
    /// Resolves topic configs with the broker's static and runtime settings.
    var resolver: TopicConfigResolver { TopicConfigResolver(broker: config, dynamic: dynamicConfigs.effective) }

    /// The produce rules of `topic` (cached on the topic until its configs or the runtime broker
    /// settings change).
    func producePolicy(for topic: Topic) -> ProducePolicy {
        topic.producePolicy(brokerGeneration: dynamicConfigs.generation) { overrides in
            ProducePolicy(resolver: resolver, overrides: overrides, maxDecompressedSize: config.socketRequestMaxBytes)
        }
    }

    /// Replaces one scope of the runtime broker configs, persists them, and hands every partition
    /// its new log settings.
    func replaceDynamicConfigs(_ scope: DynamicBrokerConfigs.Scope, with values: [String: String],
                               validateOnly: Bool) throws(AdminError) {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let definition = DynamicBrokerSettings.definition(for: key) else {
                throw AdminError(.invalidRequest, "Cannot update these configs dynamically: Set(\(key))")
            }
            if let problem = definition.problem(with: value) { throw AdminError(.invalidConfig, problem) }
        }
        if validateOnly { return }
        let stored = dynamicConfigs.replacing(scope, with: values)
        let result: Result<Void, AdminError> = dataDirectoryLock.withLock {
            do {
                let version = try metadataStore.replaceDynamicBrokerConfigs(
                    stored, expectedVersion: dynamicConfigsVersion.withLockedValue { $0 })
                dynamicConfigsVersion.withLockedValue { $0 = version }
            } catch {
                return .failure(AdminError(.kafkaStorageError, "\(error)"))
            }
            dynamicConfigs.load(stored)
            return .success(())
        }
        try result.get()
        let resolver = self.resolver
        for topic in allTopics {
            let logConfig = resolver.logConfig(overrides: topic.configs)
            for partition in topic.partitions {
                partition.eventLoop.execute { partition.log.config = logConfig }
            }
        }
    }
}
