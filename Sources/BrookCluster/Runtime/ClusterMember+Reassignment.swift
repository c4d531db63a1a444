import BrookEtcd
import BrookStorage

/// One partition of an AlterPartitionReassignments request: its target replicas, nil to cancel.
public struct ReassignmentRequest: Sendable, Hashable {
    public var partition: TopicPartition
    public var target: [Int32]?

    public init(partition: TopicPartition, target: [Int32]?) {
        self.partition = partition
        self.target = target
    }
}

extension ClusterMember {
    /// AlterPartitionReassignments (KIP-455), decided by this member as controller: each partition's
    /// reassignment starts (or is replaced, or cancelled) with one fenced write of its topic record
    /// and partition record; completion follows once the new replicas are in sync
    /// (`ControllerState+Reassignment`). Answers each partition's outcome in request order.
    public func alterPartitionReassignments(_ requests: [ReassignmentRequest]) async throws -> [Result<Void, ControllerError>] {
        await step.enter()
        defer { step.leave() }
        guard active != nil else { throw ClusterMemberError.notController(controller: mirror.controller?.value.brokerId ?? -1) }
        var results: [Result<Void, ControllerError>] = []
        for request in requests {
            results.append(try await reassign(request))
        }
        return results
    }

    /// The reassignments in flight among `partitions` (nil: all), as this member's controller state
    /// holds them (ListPartitionReassignments is the controller's, as in Kafka).
    public func partitionReassignments(_ partitions: [TopicPartition]?) async throws -> [OngoingReassignment] {
        await step.enter()
        defer { step.leave() }
        guard let active, !active.needsRebuild else {
            throw ClusterMemberError.notController(controller: mirror.controller?.value.brokerId ?? -1)
        }
        return active.state.ongoingReassignments(partitions)
    }

    /// Decides and writes one partition's reassignment; a write that lost a race with another change
    /// of either record reads both again and decides again (a few times).
    private func reassign(_ request: ReassignmentRequest) async throws -> Result<Void, ControllerError> {
        for _ in 0..<5 {
            guard let epoch = active?.claim.epoch, active?.needsRebuild == false,
                  let answer = active?.state.reassign(request.partition, to: request.target) else {
                throw ClusterMemberError.notController(controller: -1)
            }
            if case .failure(let error) = answer.result { return .failure(error) }
            do {
                for case .writeReassignment(let partition, let replicas, let state, _) in answer.effects {
                    try await storeReassignment(partition, replicas: replicas, state: state, controllerEpoch: epoch)
                }
                return .success(())
            } catch EtcdClusterStateError.fenced {
                depose("fenced during a reassignment")
                throw ClusterMemberError.notController(controller: -1)
            } catch MetadataStoreError.versionConflict {
                try await reloadForReassignment(request.partition)
            } catch MetadataStoreError.topicNotFound {
                try await reloadForReassignment(request.partition)   // deleted meanwhile
                return .failure(.unknownTopicOrPartition)
            }
        }
        throw MetadataStoreError.storage("\(request.partition) kept changing while it was being reassigned")
    }

    /// Writes a reassignment step: the partition's replica list in its topic record (read now, so its
    /// other fields stay as stored) and the partition record, in one transaction that compares the
    /// controller epoch and both keys' mod_revisions. Throws `EtcdClusterStateError.fenced` or
    /// `MetadataStoreError.versionConflict`.
    func storeReassignment(_ partition: TopicPartition, replicas: [Int32], state: PartitionLeadershipState,
                           controllerEpoch epoch: Int64) async throws {
        let layout = configuration.layout
        let topicKey = layout.topic(partition.topic)
        let partitionKey = layout.partition(partition.topic, partition.partition)
        guard let kv = try await client.get(topicKey).first else { throw MetadataStoreError.topicNotFound(partition.topic) }
        var record = try EtcdMetadataCodec.topic(named: partition.topic, from: kv)
        let index = Int(partition.partition)
        guard index < record.replicaAssignment.count else { throw MetadataStoreError.topicNotFound(partition.topic) }
        record.replicaAssignment[index] = replicas
        let expected = active?.partitionVersions[partition] ?? .absent
        let result = try await client.txn(
            compare: [.value(layout.controllerEpoch, .equal, String(epoch)),
                      .modRevision(topicKey, .equal, kv.modRevision),
                      .modRevision(partitionKey, .equal, expected.revision)],
            success: [.put(topicKey, try EtcdMetadataCodec.topicValue(record)),
                      .put(partitionKey, try EtcdMetadataCodec.encode(state))],
            failure: [.get(layout.controllerEpoch)])
        guard result.succeeded else {
            let current = try EtcdMetadataStore.readBack(result).map(EtcdMetadataCodec.decimal(from:)) ?? 0
            if current != epoch { throw EtcdClusterStateError.fenced(epoch: epoch, current: current) }
            throw MetadataStoreError.versionConflict(key: "\(partition)", expected: expected,
                                                     actual: MetadataVersion(revision: result.header.revision))
        }
        active?.partitionVersions[partition] = MetadataVersion(revision: result.header.revision)
    }

    /// Reads `partition`'s topic record and partition record again into the controller's state
    /// (after a reassignment write lost a race).
    func reloadForReassignment(_ partition: TopicPartition) async throws {
        let topicKey = configuration.layout.topic(partition.topic)
        if let kv = try await client.get(topicKey).first {
            var record = try EtcdMetadataCodec.topic(named: partition.topic, from: kv)
            record.version = MetadataVersion(revision: kv.modRevision)
            active?.state.observed(topic: partition.topic,
                                   ClusterMirror.controllerTopic(record, defaultPolicy: configuration.defaultPolicy))
        } else {
            active?.state.observed(topic: partition.topic, nil)
        }
        let stored = try await clusterState.partitionState(topic: partition.topic, index: partition.partition)
        active?.partitionVersions[partition] = stored?.version
        active?.state.observed(partition, state: stored?.value)
    }
}

extension ClusterMember {
    /// `perform`'s handling of a reassignment step (a completion the controller decided): a lost race
    /// reloads both records and decides again; fencing deposes. Returns false when `perform` must stop.
    func performReassignmentStep(_ partition: TopicPartition, replicas: [Int32], state: PartitionLeadershipState,
                                 epoch: Int64, conflicts: inout Int, queue: inout [ControllerEffect]) async -> Bool {
        do {
            try await storeReassignment(partition, replicas: replicas, state: state, controllerEpoch: epoch)
            return true
        } catch EtcdClusterStateError.fenced(_, let current) {
            depose("fenced: controller_epoch is \(current)")
            return false
        } catch MetadataStoreError.versionConflict where conflicts < 100 {
            conflicts += 1
            do {
                try await reloadForReassignment(partition)
                queue += active?.state.reconcile(partition) ?? []
                return true
            } catch {
                failedReassignment(error, partition)
                return false
            }
        } catch {
            failedReassignment(error, partition)
            return false
        }
    }

    /// A reassignment write failed for another reason than a race: rebuild from etcd (as `perform` does).
    private func failedReassignment(_ error: any Error, _ partition: TopicPartition) {
        logger.warning("controller write failed; rebuilding from etcd", metadata: [
            ClusterMemberLogKeys.error: "\(error)", "what": "reassignment of \(partition)",
        ])
        active?.needsRebuild = true
        scheduleRetry()
    }
}
