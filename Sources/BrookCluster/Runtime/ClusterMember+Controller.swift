import BrookEtcd
import BrookStorage
import Foundation

/// The controller's state while this member is the elected controller.
struct ActiveController: Sendable {
    let claim: EtcdControllerClaim
    var state: ControllerState
    /// The mod_revision each partition record was last read or written at (the CAS guard).
    var partitionVersions: [TopicPartition: MetadataVersion]
    /// The registration version each live broker was last seen at (older watch events are stale).
    var brokerVersions: [Int32: MetadataVersion]
    /// A write failed for a reason other than a conflict: what is stored may differ from `state`,
    /// which is read again from etcd before deciding anything else.
    var needsRebuild = false
}

extension ClusterMember {
    /// Tries to become controller when there is none; on success takes over.
    func campaign() async {
        guard !stopped, !wantsShutdown, active == nil, mirror.controller == nil, let keeper else { return }
        do {
            guard let claim = try await clusterState.claimController(brokerId: configuration.nodeId, lease: keeper.lease.id)
            else { return }
            logger.info("elected controller", metadata: [ClusterMemberLogKeys.epoch: "\(claim.epoch)"])
            await activate(claim)
        } catch {
            logger.warning("controller campaign failed", metadata: [ClusterMemberLogKeys.error: "\(error)"])
            scheduleRetry()
        }
    }

    /// Builds the controller's snapshot from a fresh read of etcd (with the departure records a
    /// previous controller left), then decides for every partition (brokers that died while no
    /// controller watched, brokers waiting for a controlled shutdown) and writes the outcome.
    func activate(_ claim: EtcdControllerClaim) async {
        do {
            let read = try await client.getPrefix(configuration.layout.root)
            var tracker = EtcdMetadataChangeTracker(layout: configuration.layout)
            _ = tracker.resync(read.kvs, revision: read.header.revision)
            let fresh = ClusterMirror(tracker.known)
            guard fresh.controllerEpoch == claim.epoch, fresh.controller?.value == claim else {
                depose("another controller was elected before this one read the cluster")
                return
            }
            var snapshot = fresh.controllerSnapshot(defaultPolicy: configuration.defaultPolicy)
            var staleDepartures: [Int32] = []
            for kv in read.kvs where kv.keyString.hasPrefix(configuration.layout.departuresPrefix) {
                guard let id = Int32(kv.keyString.dropFirst(configuration.layout.departuresPrefix.count)),
                      let departure = try? EtcdMetadataCodec.decode(BrokerDeparture.self, from: kv, what: "broker departure")
                else { continue }
                if let live = snapshot.liveBrokers[id] {
                    // Consumed by its registration already, unless it is the live run leaving right now.
                    if live.incarnation != departure.incarnation { staleDepartures.append(id) }
                    continue
                }
                snapshot.departedIncarnations[id] = departure.incarnation
                if departure.clean { snapshot.cleanlyShutDown.insert(id) }
            }
            active = ActiveController(claim: claim, state: ControllerState(snapshot: snapshot),
                                      partitionVersions: fresh.partitions.mapValues(\.version),
                                      brokerVersions: fresh.brokers.mapValues(\.version))
            store?.fence(controllerEpoch: claim.epoch)
            for id in staleDepartures { try await controllerWrite([.delete(configuration.layout.departure(id))]) }
            var effects = active?.state.reconcileAll() ?? []
            for broker in snapshot.liveBrokers.values.sorted(by: { $0.id < $1.id }) where broker.wantsShutdown {
                effects += active?.state.controlledShutdown(of: broker.id).effects ?? []
            }
            await perform(effects)
        } catch EtcdClusterStateError.fenced {
            depose("fenced while taking over")
        } catch {
            logger.warning("controller could not read the cluster; retrying", metadata: [ClusterMemberLogKeys.error: "\(error)"])
            if active == nil {
                active = ActiveController(claim: claim, state: ControllerState(snapshot: ControllerSnapshot()),
                                          partitionVersions: [:], brokerVersions: [:])
            }
            active?.needsRebuild = true
            scheduleRetry()
        }
    }

    /// Stops acting as controller at once (nothing more is written under the old epoch).
    func depose(_ reason: String) {
        guard let active else { return }
        logger.warning("no longer controller", metadata: [ClusterMemberLogKeys.epoch: "\(active.claim.epoch)", "reason": "\(reason)"])
        self.active = nil
    }

    // MARK: Watch changes, as the controller

    func controllerObserved(_ change: EtcdClusterStateChange) async {
        guard let current = active else { return }
        guard !current.needsRebuild else { return }   // the rebuild reads everything anyway
        switch change {
        case .controller(let claim):
            if claim?.value != current.claim { depose("/controller changed") }
        case .controllerEpoch(let epoch):
            if epoch != current.claim.epoch { depose("controller_epoch moved to \(epoch)") }
        case .broker(let id, let registration?):
            await brokerRegistered(id, registration)
        case .broker(let id, nil) where id == configuration.nodeId:
            // Its own registration shares the controller's lease: both are gone.
            depose("own registration ended")
        case .broker(let id, nil):
            await brokerGone(id)
        case .partition(let topic, let index, let state):
            let partition = TopicPartition(topic: topic, partition: index)
            if let state {
                guard state.version > (current.partitionVersions[partition] ?? .absent) else { return }
                active?.partitionVersions[partition] = state.version
                active?.state.observed(partition, state: state.value)
            } else {
                active?.partitionVersions[partition] = nil
                active?.state.observed(partition, state: nil)
            }
            // A new topic's first record may name a leader that cannot lead, or a leader's ISR
            // change may race a broker's departure: decide again (nothing when all is well).
            await perform(active?.state.reconcile(partition) ?? [])
        }
    }

    func controllerObserved(_ change: MetadataChange) async {
        switch change {
        case .topicCreated(let record), .topicUpdated(let record):
            active?.state.observed(topic: record.name,
                                   ClusterMirror.controllerTopic(record, defaultPolicy: configuration.defaultPolicy))
            let partitions = (0..<record.partitionCount).map { TopicPartition(topic: record.name, partition: $0) }
            await perform(partitions.flatMap { active?.state.reconcile($0) ?? [] })
        case .topicDeleted(let name, _):
            active?.state.observed(topic: name, nil)
        case .dynamicBrokerConfigsChanged:
            break
        }
    }

    private func brokerRegistered(_ id: Int32, _ registration: Versioned<BrokerRegistration>) async {
        guard let current = active, registration.version >= (current.brokerVersions[id] ?? .absent) else { return }
        active?.brokerVersions[id] = registration.version
        let previous = current.state.snapshot.liveBrokers[id]
        var effects = active?.state.brokerRegistered(registration.value) ?? []
        if registration.value.wantsShutdown {
            effects += active?.state.controlledShutdown(of: id).effects ?? []
        }
        if previous?.incarnation != registration.value.incarnation {
            // Its departure record is consumed: a later controller must not read it as this run's.
            do {
                try await controllerWrite([.delete(configuration.layout.departure(id))])
            } catch {
                failed(error, "delete of broker \(id)'s departure record")
            }
        }
        await perform(effects)
    }

    private func brokerGone(_ id: Int32) async {
        guard active?.state.snapshot.liveBrokers[id] != nil else { return }
        do {
            // The deletion may be older than a registration this controller read already.
            if let kv = try await client.get(configuration.layout.broker(id)).first,
               let registration = try? EtcdMetadataCodec.decode(BrokerRegistration.self, from: kv, what: "broker registration") {
                await brokerRegistered(id, Versioned(registration, version: MetadataVersion(revision: kv.modRevision)))
                return
            }
        } catch {
            failed(error, "read of broker \(id)")
            return
        }
        active?.brokerVersions[id] = nil
        var effects = active?.state.brokerExpired(id) ?? []
        if let snapshot = active?.state.snapshot, let incarnation = snapshot.departedIncarnations[id] {
            let departure = BrokerDeparture(incarnation: incarnation, clean: snapshot.cleanlyShutDown.contains(id))
            do {
                try await controllerWrite([.put(configuration.layout.departure(id), try EtcdMetadataCodec.encode(departure))])
            } catch {
                failed(error, "write of broker \(id)'s departure record")
                effects = []
            }
        }
        await perform(effects)
    }

    // MARK: Writes

    /// Performs the controller's writes in order, each a CAS fenced by the controller epoch. A
    /// conflict re-reads that record, feeds it to the state and decides again; fencing deposes.
    func perform(_ initial: [ControllerEffect]) async {
        var queue = initial
        var conflicts = 0
        var batching = true
        while !queue.isEmpty {
            guard let epoch = active?.claim.epoch, active?.needsRebuild == false else { return }
            if batching {
                switch await performBatch(&queue, epoch: epoch) {
                case .written: continue
                case .notBatchable: break
                case .conflicted: batching = false   // one at a time from here, each with its own conflict handling
                case .stop: return
                }
            }
            let effect = queue.removeFirst()
            if case .writeReassignment(let partition, let replicas, let state, _) = effect {
                guard await performReassignmentStep(partition, replicas: replicas, state: state, epoch: epoch,
                                                    conflicts: &conflicts, queue: &queue) else { return }
                continue
            }
            guard case .writePartitionState(let partition, let state, let expected) = effect else {
                logger.error("controller effect not performed here", metadata: ["effect": "\(effect)"])
                continue
            }
            let topic = partition.topic
            let index = partition.partition
            do {
                var version = active?.partitionVersions[partition] ?? .absent
                if expected == nil, version == .absent,
                   let stored = try await clusterState.partitionState(topic: topic, index: index) {
                    // A new partition whose topic write stored its first record already.
                    if stored.value == state {
                        active?.partitionVersions[partition] = stored.version
                        continue
                    }
                    version = stored.version
                }
                let written = try await clusterState.writePartitionState(state, topic: topic, index: index,
                                                                         expectedVersion: version, controllerEpoch: epoch)
                active?.partitionVersions[partition] = written
            } catch EtcdClusterStateError.fenced(_, let current) {
                depose("fenced: controller_epoch is \(current)")
                return
            } catch MetadataStoreError.versionConflict where conflicts < 100 {
                conflicts += 1
                do {
                    let stored = try await clusterState.partitionState(topic: topic, index: index)
                    active?.partitionVersions[partition] = stored?.version
                    active?.state.observed(partition, state: stored?.value)
                    queue += active?.state.reconcile(partition) ?? []
                } catch {
                    failed(error, "re-read of \(partition)")
                    return
                }
            } catch {
                failed(error, "write of \(partition)")
                return
            }
        }
    }

    enum BatchOutcome {
        case written, notBatchable, conflicted, stop
    }

    /// Up to this many partition states go in one etcd txn (etcd's `--max-txn-ops` default is 128,
    /// counting compares and puts separately).
    static let partitionWriteBatch = 64

    /// Writes the partition states at the head of `queue` whose stored versions are known in one
    /// txn: a broker's death changes every partition it led, and one fsync'd txn each made the
    /// controller take hundreds of milliseconds before the last new leader was written. On a
    /// conflict nothing was written and the effects stay queued for the one-at-a-time path.
    private func performBatch(_ queue: inout [ControllerEffect], epoch: Int64) async -> BatchOutcome {
        var writes: [EtcdPartitionStateWrite] = []
        var seen = Set<TopicPartition>()
        for effect in queue.prefix(Self.partitionWriteBatch) {
            guard case .writePartitionState(let partition, let state, _) = effect,
                  let version = active?.partitionVersions[partition], version != .absent,
                  seen.insert(partition).inserted else { break }
            writes.append(EtcdPartitionStateWrite(topic: partition.topic, index: partition.partition, state: state,
                                                  expectedVersion: version))
        }
        guard writes.count > 1 else { return .notBatchable }
        do {
            let written = try await clusterState.writePartitionStates(writes, controllerEpoch: epoch)
            for write in writes {
                active?.partitionVersions[TopicPartition(topic: write.topic, partition: write.index)] = written
            }
            queue.removeFirst(writes.count)
            return .written
        } catch EtcdClusterStateError.fenced(_, let current) {
            depose("fenced: controller_epoch is \(current)")
            return .stop
        } catch MetadataStoreError.versionConflict {
            return .conflicted
        } catch MetadataStoreError.storage {
            return .conflicted
        } catch {
            failed(error, "write of \(writes.count) partition states")
            return .stop
        }
    }

    /// A controller-only write of other keys: one txn that also compares `controller_epoch`.
    private func controllerWrite(_ operations: [EtcdOperation]) async throws {
        guard let epoch = active?.claim.epoch else { return }
        let layout = configuration.layout
        let result = try await client.txn(compare: [.value(layout.controllerEpoch, .equal, String(epoch))],
                                          success: operations, failure: [.get(layout.controllerEpoch)])
        if !result.succeeded { throw EtcdClusterStateError.fenced(epoch: epoch, current: -1) }
    }

    /// After a write failed for another reason than a conflict, nothing decided since is trusted:
    /// the state is rebuilt from etcd on the next retry.
    private func failed(_ error: any Error, _ what: String) {
        if case EtcdClusterStateError.fenced = error {
            depose("fenced during \(what)")
            return
        }
        logger.warning("controller write failed; rebuilding from etcd", metadata: [
            ClusterMemberLogKeys.error: "\(error)", "what": "\(what)",
        ])
        active?.needsRebuild = true
        scheduleRetry()
    }
}
