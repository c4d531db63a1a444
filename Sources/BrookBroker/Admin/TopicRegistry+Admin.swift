import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

/// Topic lifecycle changes made by the admin APIs: deletion, more partitions, new configs.
extension TopicRegistry {
    public func topic(id: KafkaUUID) -> Topic? {
        topics.withLockedValue { $0.values.first { $0.id == id } }
    }

    /// Deletes a topic: removes its record from the metadata store, then applies the deletion here
    /// (closes its logs, renames their folders to `…-delete`, forgets its cleaner checkpoints, removes
    /// the folders after `log.segment.delete.delay.ms`; see `TopicRegistry+Apply.swift`). Completes
    /// once the name is free again and the cleaner checkpoint no longer names the topic.
    func deleteTopic(_ topic: Topic, on loop: EventLoop) -> EventLoopFuture<Void> {
        if topic.isInternal {
            return loop.makeFailedFuture(AdminError(.invalidTopicException, "Cannot delete internal topic \(topic.name)."))
        }
        let name = topic.name
        let expected = metadataVersion(of: name)
        return loop.makeFutureWithTask {
            try await self.metadataStore.deleteTopic(named: name, expectedVersion: expected)
        }.flatMap {
            // The store does not say at which version it deleted; any later write of the name is newer
            // than the version this deletion was based on.
            self.apply(.topicDeleted(name: name, version: MetadataVersion(revision: expected.revision + 1)))
        }.hop(to: loop)
    }

    /// Schedules the removal of folders left as `…-delete` before this start (a deletion interrupted by
    /// a crash or a shutdown), after the delay counted from start-up, as Kafka does.
    func purgeDeletedPartitions() {
        removeAfterDelay(directory.pendingDeletions())
    }

    /// CreatePartitions: grows `topic` to `count` partitions. All or nothing, as `createTopic`: the
    /// new logs open first, then the store write; when it fails the new logs are closed and removed.
    func addPartitions(_ topic: Topic, count: Int32, validateOnly: Bool,
                       assignment manual: [[Int32]]? = nil) async throws(AdminError) {
        let name = topic.name
        let current = topic.partitionCount
        if count == current {
            throw AdminError(.invalidPartitions, "Topic already has \(current) partition(s).")
        }
        if count < current {
            throw AdminError(.invalidPartitions,
                "The topic \(name) currently has \(current) partition(s); \(count) would not be an increase.")
        }
        let factor = assigner.replicationFactor(of: name)
        if let manual, case .failure(let error) = assigner.validate(manual: manual, replicationFactor: Int(factor)) {
            throw AdminError(error.errorCode, error.message)
        }
        if validateOnly { return }
        let claimed = dataDirectoryLock.withLock {
            preopened.withLockedValue { all -> Bool in
                guard all[name] == nil else { return false }
                all[name] = PreopenedPartitions(topicId: topic.id, first: current, partitions: [])
                return true
            }
        }
        guard claimed else {
            throw AdminError(.invalidPartitions, "Topic \(name) is already changing its partitions.")
        }
        let expected = metadataVersion(of: name)
        let added: [[Int32]]
        switch manual.map({ .success($0) }) ?? assigner.assign(partitions: count - current, replicationFactor: factor) {
        case .success(let placed): added = placed
        case .failure(let error):
            releaseClaim(name, id: topic.id)
            throw AdminError(error.errorCode, error.message)
        }
        let grown = TopicMetadataRecord(name: name, topicId: topic.id,
                                        replicaAssignment: assigner.currentAssignment(of: name, partitions: current) + added,
                                        configs: topic.configs, version: expected)
        do {
            let stored = try await storeWithPreopenedLogs(grown, partitions: current..<count) {
                // The store keeps the old record when it fails.
                try await self.metadataStore.addPartitions(named: name, assignments: added, expectedVersion: expected)
            }
            try await apply(.topicUpdated(stored)).get()
        } catch {
            throw AdminError(.kafkaStorageError, "\(error)")
        }
    }

    /// AlterConfigs / IncrementalAlterConfigs: replaces the topic's overrides after validating them,
    /// stores them and applies them (every partition gets its new log settings on its loop).
    func replaceConfigs(_ topic: Topic, with configs: [String: String], validateOnly: Bool) async throws(AdminError) {
        if let problem = TopicConfigCatalog.problem(with: configs) { throw AdminError(.invalidConfig, problem) }
        if validateOnly { return }
        do {
            let stored = try await metadataStore.replaceTopicConfigs(named: topic.name, with: configs,
                                                                     expectedVersion: metadataVersion(of: topic.name))
            try await apply(.topicUpdated(stored)).get()
        } catch {
            throw AdminError(.kafkaStorageError, "\(error)")
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
            ProducePolicy(resolver: resolver, overrides: overrides, maxDecompressedSize: config.socketRequestMaxBytes,
                          topic: topic.name, schemaIdSlot: schemaIds)
        }
    }

    /// Replaces one scope of the runtime broker configs, stores them and applies them (every
    /// partition gets its new log settings).
    func replaceDynamicConfigs(_ scope: DynamicBrokerConfigs.Scope, with values: [String: String],
                               validateOnly: Bool) async throws(AdminError) {
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let definition = DynamicBrokerSettings.definition(for: key) else {
                throw AdminError(.invalidRequest, "Cannot update these configs dynamically: Set(\(key))")
            }
            if let problem = definition.problem(with: value) { throw AdminError(.invalidConfig, problem) }
        }
        if validateOnly { return }
        let stored = dynamicConfigs.replacing(scope, with: values)
        do {
            let version = try await metadataStore.replaceDynamicBrokerConfigs(
                stored, expectedVersion: dynamicConfigsVersion.withLockedValue { $0 })
            try await apply(.dynamicBrokerConfigsChanged(Versioned(stored, version: version))).get()
        } catch {
            throw AdminError(.kafkaStorageError, "\(error)")
        }
    }
}
