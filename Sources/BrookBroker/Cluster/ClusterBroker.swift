import BrookCluster
import BrookEtcd
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A broker taking part in a cluster whose metadata lives in etcd (`brook serve --node-id N
/// --metadata etcd://...`): the broker on an `EtcdMetadataStore`, its `ClusterMember` (registration
/// under a lease, controller election, roles), `BrokerReplicaRoles` carrying the roles out, and the
/// `IsrChangeForwarder` that asks for ISR changes. A `Service`: put it in the `ServiceGroup` after the
/// broker and the listener, so that on graceful shutdown it runs first and moves leadership away
/// (controlled shutdown) while the broker still serves.
public final class ClusterBroker: Sendable {
    public let broker: Broker
    public let member: ClusterMember
    let roles: BrokerReplicaRoles
    let forwarder: IsrChangeForwarder
    private let client: EtcdClient
    private let store: EtcdMetadataStore

    private init(broker: Broker, member: ClusterMember, roles: BrokerReplicaRoles, forwarder: IsrChangeForwarder,
                 client: EtcdClient, store: EtcdMetadataStore) {
        self.broker = broker
        self.member = member
        self.roles = roles
        self.forwarder = forwarder
        self.client = client
        self.store = store
    }

    /// Connects to etcd, reads the cluster's metadata and opens the logs this node holds. The member
    /// joins the cluster when the service runs.
    public static func start(config: BrokerConfig, etcd endpoints: [EtcdEndpoint], group: EventLoopGroup,
                             threadPool: NIOThreadPool, logger: Logger) async throws -> ClusterBroker {
        let client = EtcdClient(endpoints: endpoints, eventLoopGroup: group, logger: logger)
        do {
            let store = try await connect(client, endpoints: endpoints, logger: logger)
            let broker: Broker
            do {
                broker = try await Broker.clustered(config: config, metadataStore: store, group: group,
                                                    threadPool: threadPool, logger: logger)
            } catch {
                store.shutdown()
                throw error
            }
            let advertised = config.advertised
            // The broker-level topic defaults, under the same names as a topic's overrides.
            let policy = TopicElectionPolicy().overridden(by: config.topicDefaults)
            let configuration = ClusterMemberConfiguration(
                nodeId: config.nodeId, host: advertised.host, port: Int32(advertised.port), rack: config.rack,
                etcdEndpoints: endpoints, sessionTimeoutMilliseconds: config.brokerSessionTimeoutMs,
                controlledShutdownTimeout: .milliseconds(config.controlledShutdownTimeoutMs), defaultPolicy: policy,
                autoLeaderRebalanceEnable: config.autoLeaderRebalanceEnable,
                leaderImbalanceCheckInterval: .seconds(config.leaderImbalanceCheckIntervalSeconds),
                leaderImbalancePerBrokerPercentage: Int(config.leaderImbalancePerBrokerPercentage),
                connectionFailureDetection: config.connectionFailureDetectionEnable)
            let roles = BrokerReplicaRoles(broker: broker)
            let member = ClusterMember(configuration: configuration, delegate: roles, client: client, logger: logger)
            broker.clusterAdmin = member
            let forwarder = IsrChangeForwarder(broker: broker, replicaLagTimeMaxMs: config.replicaLagTimeMaxMs) { tp, epoch, partitionEpoch, isr in
                try await member.alterPartition(tp, leaderEpoch: epoch, partitionEpoch: partitionEpoch, newIsr: isr)
            }
            broker.setReassignments(member)
            return ClusterBroker(broker: broker, member: member, roles: roles, forwarder: forwarder, client: client, store: store)
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

extension ClusterBroker {
    /// How long start-up waits for etcd (Kafka waits `zookeeper.connection.timeout.ms`, 18 s, for
    /// ZooKeeper): brokers and etcd may be started together.
    static let etcdStartupWait: Duration = .seconds(30)

    /// The store with its watch running, retrying while etcd cannot be reached (logged once).
    private static func connect(_ client: EtcdClient, endpoints: [EtcdEndpoint], logger: Logger) async throws -> EtcdMetadataStore {
        let deadline = ContinuousClock.now + etcdStartupWait
        var warned = false
        while true {
            do {
                return try await EtcdMetadataStore.start(client: client, logger: logger)
            } catch {
                guard ContinuousClock.now < deadline, !Task.isCancelled else {
                    throw ConfigError("cannot reach etcd at \(endpoints.map(\.description).joined(separator: ",")) "
                        + "after \(etcdStartupWait): \(error)")
                }
                if !warned {
                    logger.warning("waiting for etcd", metadata: [
                        "brook.etcd": "\(endpoints.map(\.description).joined(separator: ","))", "brook.error": "\(error)"])
                    warned = true
                }
                try await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}

extension ClusterBroker: Service {
    /// Follows the store's changes, joins the cluster and checks the ISR of led partitions until
    /// graceful shutdown; then shuts the member down in a controlled way (leadership moves away
    /// first) and closes the etcd client. On cancellation the member just stops, as after a crash.
    public func run() async throws {
        let roles = self.roles
        let following = broker.followMetadata { Task { await roles.replayPending() } }
        // Kafka checks for lagging followers every half `replica.lag.time.max.ms`; Brook checks at
        // least every 500 ms so that a caught-up follower rejoins the ISR soon.
        let interval = Duration.milliseconds(min(500, max(50, broker.config.replicaLagTimeMaxMs / 2)))
        let isrChecks = Task { await forwarder.run(every: interval) }
        defer {
            isrChecks.cancel()
            following?.cancel()
            roles.stop()
        }
        do {
            try await member.start()
        } catch {
            broker.logger.error("could not join the cluster", metadata: ["brook.error": "\(error)"])
            throw error
        }
        try? await gracefulShutdown()
        if Task.isCancelled {
            await member.stop()
        } else {
            broker.logger.info("controlled shutdown: moving leadership away")
            await member.shutdown()
            broker.logger.info("left the cluster")
        }
        store.shutdown()
        await client.shutdown()
    }
}
