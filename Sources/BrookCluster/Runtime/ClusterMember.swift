import BrookEtcd
import BrookProtocol
import BrookStorage
import Foundation
import Logging
import NIOCore

/// Why a `ClusterMember` request was refused.
public enum ClusterMemberError: Error, Sendable, Equatable {
    /// Only the controller decides; this node is not it (`controller` -1: there is none right now).
    case notController(controller: Int32)
    case notStarted
    /// The controller's decision refused the request.
    case refused(ControllerError)
}

/// One broker's part in the cluster (cluster-design.md): it registers under a lease kept alive by
/// `LeaseKeeper`, campaigns for controller and, when elected, runs the controller's decisions
/// (`ControllerState`) as fenced compare-and-swap writes; on every broker it keeps a `ClusterView`
/// current from the watch and tells its delegate which partitions it leads or follows.
///
/// Everything the member does happens one step at a time (a watch change, a lost lease, a request),
/// so the controller's state is never changed by two steps at once; a step that writes to etcd
/// finishes before the next starts.
///
/// Safety: a controller stops acting the moment it learns that it is deposed (its lease lost,
/// `/controller` or `controller_epoch` changed, or a write was fenced); writes it had in flight are
/// refused by etcd because each compares `controller_epoch`. A broker whose lease is lost fences its
/// leaderships at once (`ClusterMemberDelegate.fenceLeaderships`) and registers again when it can,
/// with the same incarnation (its log survived: only the process restarting changes it).
public actor ClusterMember {
    public nonisolated let configuration: ClusterMemberConfiguration
    let client: EtcdClient
    private let ownsClient: Bool
    let clusterState: EtcdClusterState
    private let delegate: any ClusterMemberDelegate
    let logger: Logger

    var store: EtcdMetadataStore?
    var mirror = ClusterMirror()
    private var roles: ReplicaRoles
    private var lastView: ClusterView?
    var keeper: LeaseKeeper?
    var active: ActiveController?
    var wantsShutdown = false
    /// The etcd revision of this member's latest registration (see `announce`).
    private var registeredAt: MetadataVersion = .absent
    var stopped = false
    private var events: AsyncStream<Event>.Continuation?
    private var tasks: [Task<Void, Never>] = []
    private var retryScheduled = false
    var roleWatchers: [UUID: AsyncStream<Void>.Continuation] = [:]
    /// Revokes the lease of a broker whose process is seen gone (nil when turned off).
    private var liveness: PeerLivenessProbe?
    let step = SerialSteps()
    private let backlog = EventBacklog()
    /// Watch changes applied since roles were last announced (bounds how long a burst defers it).
    private var unannounced = 0

    enum Event: Sendable {
        case cluster(EtcdClusterStateChange)
        case metadata(MetadataChange)
        case leaseLost(Int64)
        /// Try again what failed: registering, campaigning, rebuilding the controller's state.
        case retry
    }

    /// A member on its own etcd client; `start()` joins the cluster.
    public init(configuration: ClusterMemberConfiguration, delegate: any ClusterMemberDelegate,
                eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.init(configuration: configuration, delegate: delegate,
                  client: EtcdClient(endpoints: configuration.etcdEndpoints, eventLoopGroup: eventLoopGroup, logger: logger),
                  ownsClient: true, logger: logger)
    }

    /// A member on `client` (which stays the caller's).
    public init(configuration: ClusterMemberConfiguration, delegate: any ClusterMemberDelegate, client: EtcdClient,
                logger: Logger) {
        self.init(configuration: configuration, delegate: delegate, client: client, ownsClient: false, logger: logger)
    }

    private init(configuration: ClusterMemberConfiguration, delegate: any ClusterMemberDelegate, client: EtcdClient,
                 ownsClient: Bool, logger: Logger) {
        self.configuration = configuration
        self.delegate = delegate
        self.client = client
        self.ownsClient = ownsClient
        self.clusterState = EtcdClusterState(client: client, layout: configuration.layout)
        var logger = logger
        logger[metadataKey: ClusterMemberLogKeys.node] = "\(configuration.nodeId)"
        self.logger = logger
        roles = ReplicaRoles(nodeId: configuration.nodeId)
    }

    // MARK: Observing

    /// The routing view as last announced.
    public var view: ClusterView? { lastView }
    /// The epoch this member acts as controller with; nil when it is not the controller.
    public var controllerEpoch: Int64? { active?.claim.epoch }
    /// The lease the registration lives under; nil while the member is not registered.
    public var leaseId: Int64? { keeper?.lease.id }

    // MARK: Lifecycle

    /// Reads the cluster, registers this broker and starts following the watch; campaigns for
    /// controller. Returns once registered (waiting at most about one lease TTL for a previous
    /// run's registration of the same id to expire).
    public func start() async throws {
        let store = try await EtcdMetadataStore.start(client: client, layout: configuration.layout, logger: logger)
        self.store = store
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self)
        events = continuation
        let clusterChanges = store.clusterStateChanges()
        let changes = store.changes()
        let backlog = self.backlog
        tasks.append(Task {
            for await change in clusterChanges {
                backlog.added()
                continuation.yield(.cluster(change))
            }
        })
        tasks.append(Task {
            for await change in changes {
                backlog.added()
                continuation.yield(.metadata(change))
            }
        })
        do {
            mirror = ClusterMirror(try await readRoot().known)
            try await register(waitingForPreviousRun: true)
        } catch {
            stopped = true
            await close()
            throw error
        }
        if configuration.connectionFailureDetection {
            liveness = PeerLivenessProbe(logger: logger) { [client, logger] peer in
                do {
                    try await client.revokeLease(peer.lease)
                    logger.warning("broker refuses connections after its process was reachable: revoked its lease", metadata: [
                        "brook.broker": "\(peer.id)", ClusterMemberLogKeys.lease: "\(peer.lease)",
                    ])
                } catch EtcdError.leaseNotFound {
                    // Gone already: it left (a controlled shutdown revokes its own lease) or another broker was first.
                } catch {
                    logger.info("could not revoke a gone broker's lease", metadata: [ClusterMemberLogKeys.error: "\(error)"])
                }
            }
        }
        tasks.append(Task { for await event in stream { await self.process(event) } })
        tasks.append(Task { await self.rebalanceLeadersPeriodically() })
        continuation.yield(.retry)
    }

    /// Stops taking part without telling anyone, as if the process died: the lease is no longer
    /// refreshed and expires after its TTL; the controller, if this was it, is replaced then.
    public func stop() async {
        stopped = true
        keeper?.stop()
        keeper = nil
        active = nil
        for task in tasks { task.cancel() }
        // Let a step in flight finish (its etcd calls end early once cancelled) before closing.
        await step.enter()
        step.leave()
        await close()
    }

    /// Controlled shutdown: asks the controller (through this broker's registration, which it
    /// watches) to move every leadership away, waits until this broker leads nothing (at most
    /// `controlledShutdownTimeout`), records the clean departure, resigns as controller, and
    /// deregisters (revoking the lease removes the registration at once).
    public func shutdown() async {
        await step.enter()
        wantsShutdown = true
        var registration = configuration.registration
        registration.wantsShutdown = true
        if let keeper {
            do {
                try await clusterState.registerBroker(registration, lease: keeper.lease.id)
            } catch {
                logger.warning("could not ask for a controlled shutdown", metadata: [ClusterMemberLogKeys.error: "\(error)"])
            }
        }
        step.leave()
        let leadsNothing = await waitUntilLeadingNothing(timeout: configuration.controlledShutdownTimeout)
        await step.enter()
        stopped = true
        if let active {
            self.active = nil
            try? await clusterState.resignController(active.claim)
        }
        if let keeper {
            if leadsNothing {
                let departure = BrokerDeparture(incarnation: configuration.incarnation, clean: true)
                if let value = try? EtcdMetadataCodec.encode(departure) {
                    _ = try? await client.put(configuration.layout.departure(configuration.nodeId), value)
                }
            } else {
                logger.warning("controlled shutdown timed out; leaving while still leading",
                               metadata: [ClusterMemberLogKeys.partitions: "\(roles.ledPartitions)"])
            }
            keeper.stop()
            self.keeper = nil
            try? await client.revokeLease(keeper.lease.id)
        }
        step.leave()
        await close()
    }

    private func close() async {
        await liveness?.stop()
        liveness = nil
        for task in tasks { task.cancel() }
        tasks = []
        events?.finish()
        events = nil
        store?.shutdown()
        for watcher in roleWatchers.values { watcher.finish() }
        roleWatchers = [:]
        if ownsClient { await client.shutdown() }
    }

    // MARK: Requests to the controller

    /// CreateTopics for one topic, decided by this member as controller: placement over the live
    /// brokers, then the topic record and each partition's first state, fenced by the controller epoch.
    @discardableResult
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int16,
                            configs: [String: String] = [:]) async throws -> [PartitionAssignment] {
        await step.enter()
        defer { step.leave() }
        guard let store else { throw ClusterMemberError.notStarted }
        guard active != nil else { throw ClusterMemberError.notController(controller: mirror.controller?.value.brokerId ?? -1) }
        let record = TopicMetadataRecord(name: name, topicId: .random(), replicaAssignment: [], configs: configs)
        let policy = ClusterMirror.controllerTopic(record, defaultPolicy: configuration.defaultPolicy).policy
        guard let answer = active?.state.createTopic(name, partitionCount: partitions, replicationFactor: replicationFactor,
                                                     policy: policy) else { throw ClusterMemberError.notController(controller: -1) }
        let assignments: [PartitionAssignment]
        switch answer.result {
        case .success(let placed): assignments = placed
        case .failure(let error): throw ClusterMemberError.refused(error)
        }
        var stored = record
        stored.replicaAssignment = assignments.map(\.replicas)
        do {
            _ = try await store.createTopic(stored)
        } catch {
            active?.state.observed(topic: name, nil)
            if case EtcdClusterStateError.fenced = error { depose("topic write fenced") }
            throw error
        }
        await perform(answer.effects.filter {
            if case .writeTopicAssignment = $0 { return false }
            return true
        })
        return assignments
    }

    // MARK: Steps

    private func process(_ event: Event) async {
        await step.enter()
        defer { step.leave() }
        var moreQueued = false
        if case .cluster = event { moreQueued = backlog.taken() > 0 }
        if case .metadata = event { moreQueued = backlog.taken() > 0 }
        guard !stopped else { return }
        switch event {
        case .cluster(let change):
            mirror.apply(change)
            if active != nil { await controllerObserved(change) }
            if case .controller(nil) = change { await campaign() }
        case .metadata(let change):
            mirror.apply(change)
            if active != nil { await controllerObserved(change) }
        case .leaseLost:
            await recover()
        case .retry:
            retryScheduled = false
            await recover()
        }
        // The rest of a burst is already queued: announce once it is applied (at most every 64 changes).
        unannounced += 1
        if moreQueued, unannounced < 64 { return }
        unannounced = 0
        await announce()
    }

    /// Registers again, rebuilds the controller's state or campaigns, whichever is due.
    private func recover() async {
        guard !stopped else { return }
        if keeper == nil {
            do {
                try await register(waitingForPreviousRun: false)
            } catch {
                logger.info("registration failed; retrying", metadata: [ClusterMemberLogKeys.error: "\(error)"])
                scheduleRetry()
                return
            }
        }
        if let active, active.needsRebuild {
            await activate(active.claim)
        } else {
            await campaign()
        }
    }

    func scheduleRetry() {
        guard !retryScheduled, let events else { return }
        retryScheduled = true
        tasks.append(Task {
            try? await Task.sleep(for: .milliseconds(300))
            events.yield(.retry)
        })
    }

    private func readRoot() async throws -> EtcdMetadataChangeTracker {
        let read = try await client.getPrefix(configuration.layout.root)
        var tracker = EtcdMetadataChangeTracker(layout: configuration.layout)
        for problem in tracker.resync(read.kvs, revision: read.header.revision).problems {
            logger.error("undecodable cluster record skipped", metadata: [ClusterMemberLogKeys.error: "\(problem)"])
        }
        return tracker
    }

    /// Grants a lease, keeps it, and puts the registration under it. A previous run's registration
    /// of this id blocks it until that lease expires; at start the member waits for that.
    private func register(waitingForPreviousRun: Bool) async throws {
        let lease = try await client.grantLease(ttlSeconds: configuration.leaseTTLSeconds)
        let keeper = LeaseKeeper(client: client, lease: lease, logger: logger)
        var registration = configuration.registration
        registration.wantsShutdown = wantsShutdown
        let deadline = ContinuousClock.now + .seconds(lease.ttlSeconds + 2)
        while true {
            do {
                registeredAt = try await clusterState.registerBroker(registration, lease: lease.id)
                break
            } catch EtcdClusterStateError.brokerIdInUse where waitingForPreviousRun && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(100))
            } catch {
                keeper.stop()
                try? await client.revokeLease(lease.id)
                throw error
            }
        }
        self.keeper = keeper
        logger.info("registered", metadata: [ClusterMemberLogKeys.lease: "\(lease.id)", "ttl": "\(lease.ttlSeconds)"])
        tasks.append(Task { for await _ in keeper.losses { await self.leaseLost(lease.id) } })
    }

    /// Acts on a lost lease at once, not after the step in flight (which may be waiting for an
    /// unreachable etcd): no longer controller, every leadership fenced; registering again is a
    /// step of its own.
    private func leaseLost(_ id: Int64) async {
        guard keeper?.lease.id == id else { return }
        keeper = nil
        if active != nil { depose("lease lost") }
        roles.reset()
        await delegate.fenceLeaderships()
        events?.yield(.leaseLost(id))
    }

    /// Tells the delegate what changed: the routing view, then this node's roles (only while registered).
    private func announce() async {
        if let liveness {
            let peers = mirror.brokers.values.compactMap { registration -> PeerLiveness.Peer? in
                let broker = registration.value
                guard broker.id != configuration.nodeId, let lease = broker.lease else { return nil }
                return PeerLiveness.Peer(id: broker.id, host: broker.host, port: broker.port, lease: lease)
            }
            await liveness.update(peers: Set(peers))
        }
        let view = mirror.view(defaultPolicy: configuration.defaultPolicy)
        if view != lastView {
            lastView = view
            await delegate.clusterViewChanged(view)
        }
        guard keeper != nil, !stopped else { return }
        // Roles only from a mirror that has caught up with our latest registration: after a lost
        // lease the watch may still be delivering what changed meanwhile (other leaders elected),
        // and announcing from the stale records would make this broker lead again at an old epoch
        // (KRaft likewise keeps a re-registered broker fenced until it has caught up with the log).
        guard let own = mirror.brokers[configuration.nodeId], own.version >= registeredAt else { return }
        for event in roles.update(from: mirror) {
            // A lease lost while announcing fenced everything: announce nothing more.
            guard keeper != nil else { break }
            switch event {
            case .becomeLeader(let partition, let epoch, let isr, let replicas, let partitionEpoch):
                await delegate.becomeLeader(partition, leaderEpoch: epoch, isr: isr, replicas: replicas, partitionEpoch: partitionEpoch)
            case .becomeFollower(let partition, let leader, let endpoint, let epoch):
                await delegate.becomeFollower(partition, leader: leader, endpoint: endpoint, leaderEpoch: epoch)
            case .isrChanged(let partition, let isr, let partitionEpoch):
                await delegate.isrChanged(partition, isr: isr, partitionEpoch: partitionEpoch)
            case .stopReplica(let partition):
                await delegate.stopReplica(partition)
            }
        }
        for watcher in roleWatchers.values { watcher.yield() }
    }

    /// Waits (bounded) until the announced roles lead nothing.
    private func waitUntilLeadingNothing(timeout: Duration) async -> Bool {
        let id = UUID()
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        roleWatchers[id] = continuation
        defer { roleWatchers[id] = nil }
        let deadline = Task {
            try? await Task.sleep(for: timeout)
            continuation.finish()
        }
        defer { deadline.cancel() }
        // With no other broker registered there is nobody to move leadership to (and nobody to be
        // controller: a broker asking to shut down does not campaign): waiting would only time out.
        if roles.ledPartitions.isEmpty || isAlone { return roles.ledPartitions.isEmpty }
        for await _ in changes where roles.ledPartitions.isEmpty || isAlone {
            return roles.ledPartitions.isEmpty
        }
        return roles.ledPartitions.isEmpty
    }

    /// No other broker is registered.
    private var isAlone: Bool {
        mirror.brokers.keys.allSatisfy { $0 == configuration.nodeId }
    }
}

/// Logger metadata keys of the cluster runtime, one form each.
enum ClusterMemberLogKeys {
    static let node = "brook.node"
    static let error = "brook.error"
    static let lease = "brook.etcd.lease"
    static let epoch = "brook.controller_epoch"
    static let partitions = "brook.partitions"
}
