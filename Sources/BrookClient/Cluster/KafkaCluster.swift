import BrookProtocol
import Logging
import NIOCore
import NIOPosix

/// The client's view of a Kafka cluster, shared by producers, consumers and admin clients: one
/// connection per broker (opened on first use, reopened when it drops), bootstrap from several
/// servers, and a metadata cache refreshed on demand or when it ages.
public actor KafkaCluster {
    /// The shared settings.
    public nonisolated let config: ClientConfig
    nonisolated let group: EventLoopGroup
    nonisolated let logger: Logger
    nonisolated let backoff: Backoff

    private var connections: [Int32: Task<BrokerConnection, Error>] = [:]
    private var bootstrapConnection: Task<BrokerConnection, Error>?
    private var cache = ClusterMetadata()
    private var cacheAge: ContinuousClock.Instant?
    private var cachedTopics: Set<String> = []
    private var isClosed = false
    /// group id → coordinator node id.
    var coordinators: [String: Int32] = [:]
    /// Transaction coordinators by transactional id (a separate key space from groups).
    var transactionCoordinators: [String: Int32] = [:]

    /// A cluster client; connections are made lazily. `eventLoopGroup` defaults to NIO's shared singleton.
    public init(config: ClientConfig, eventLoopGroup: EventLoopGroup? = nil) {
        self.config = config
        self.group = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        var logger = config.logger
        logger[metadataKey: LogKeys.clientId] = "\(config.clientId)"
        self.logger = logger
        self.backoff = Backoff(initial: config.retryBackoff, maximum: config.retryBackoffMax)
    }

    // MARK: Connections

    /// A connection to broker `nodeId` (from metadata), opening it when needed.
    public func connection(to nodeId: Int32) async throws -> BrokerConnection {
        guard !isClosed else { throw KafkaClientError.closed }
        if let existing = connections[nodeId] {
            if let connection = try? await existing.value, connection.isActive { return connection }
            if connections[nodeId] == existing { connections[nodeId] = nil }
        }
        if cache.brokers[nodeId] == nil {
            _ = try await refreshMetadata(topics: [])
        }
        guard let broker = cache.brokers[nodeId] else {
            throw KafkaClientError.server(.brokerNotAvailable, message: "node \(nodeId) is not in metadata", context: "connect")
        }
        let config = self.config
        let group = self.group
        let task = Task { try await BrokerConnection.connect(to: broker.address, nodeId: nodeId, config: config, group: group) }
        connections[nodeId] = task
        do {
            return try await task.value
        } catch {
            if connections[nodeId] == task { connections[nodeId] = nil }
            throw error
        }
    }

    /// A connection to `nodeId` at `address` (as FindCoordinator names it), even when metadata does
    /// not list the node yet.
    public func connection(to nodeId: Int32, at address: BrokerAddress) async throws -> BrokerConnection {
        if cache.brokers[nodeId] == nil {
            cache.brokers[nodeId] = ClusterMetadata.Broker(nodeId: nodeId, address: address, rack: nil)
        }
        return try await connection(to: nodeId)
    }

    /// Any usable connection: an open broker connection, else the bootstrap servers in order, else
    /// the brokers metadata named. Throws `noBrokersAvailable` listing what was tried.
    public func anyConnection() async throws -> BrokerConnection {
        guard !isClosed else { throw KafkaClientError.closed }
        for task in connections.values {
            if let connection = try? await task.value, connection.isActive { return connection }
        }
        if let bootstrapConnection, let connection = try? await bootstrapConnection.value, connection.isActive {
            return connection
        }
        var tried: [String] = []
        var lastError: Error?
        for nodeId in cache.brokers.keys.sorted() {
            do {
                return try await connection(to: nodeId)
            } catch {
                tried.append("\(cache.brokers[nodeId]?.address.description ?? "node \(nodeId)")")
                lastError = error
            }
        }
        let config = self.config
        let group = self.group
        for address in config.bootstrapServers {
            let task = Task { try await BrokerConnection.connect(to: address, nodeId: nil, config: config, group: group) }
            bootstrapConnection = task
            do {
                return try await task.value
            } catch {
                logger.debug("bootstrap server unreachable", metadata: [LogKeys.broker: "\(address)", "error": "\(error)"])
                tried.append(address.description)
                if case KafkaClientError.connectionFailed(_, let reason) = error {
                    lastError = ConnectFailureReason(reason: reason)
                } else {
                    lastError = error
                }
                bootstrapConnection = nil
            }
        }
        throw KafkaClientError.noBrokersAvailable(tried: tried, lastError: lastError.map { "\($0)" })
    }

    /// The connection to `partition`'s leader, refreshing metadata once when the leader is unknown.
    public func leaderConnection(for partition: TopicPartition) async throws -> BrokerConnection {
        if let leader = cache.leader(for: partition) { return try await connection(to: leader) }
        let fresh = try await refreshMetadata(topics: [partition.topic])
        guard let leader = fresh.leader(for: partition) else {
            let code = fresh.topics[partition.topic]?.errorCode ?? .leaderNotAvailable
            throw KafkaClientError.server(code == .none ? .leaderNotAvailable : code, message: nil, context: "leader of \(partition)")
        }
        return try await connection(to: leader)
    }

    /// The connection to the controller (for topic creation and deletion), or any broker if none is named.
    public func controllerConnection() async throws -> BrokerConnection {
        if cache.controllerId < 0 || cacheAge == nil { _ = try await refreshMetadata(topics: []) }
        if cache.controllerId >= 0, let connection = try? await connection(to: cache.controllerId) { return connection }
        return try await anyConnection()
    }

    /// Drops the connection to `nodeId` so the next use reconnects.
    public func dropConnection(to nodeId: Int32) {
        if let task = connections.removeValue(forKey: nodeId) {
            Task { (try? await task.value)?.close() }
        }
    }

    // MARK: Metadata

    /// The last metadata received (possibly empty).
    public var cachedMetadata: ClusterMetadata { cache }

    /// Asks the cluster for metadata about `topics` (nil: every topic; []: brokers only) and folds the
    /// answer into the cache. Retries on connection errors until the default API timeout.
    @discardableResult
    public func refreshMetadata(topics: [String]?, allowAutoCreation: Bool = false) async throws -> ClusterMetadata {
        let fresh = try await withRetries("metadata", timeout: config.defaultApiTimeout, backoff: backoff, logger: logger) {
            let connection = try await anyConnection()
            return try await fetchMetadata(on: connection, topics: topics, allowAutoCreation: allowAutoCreation)
        }
        cache.merge(fresh)
        if topics == nil {
            // A full listing is authoritative: topics it no longer names are gone.
            cache.topics = fresh.topics
            cachedTopics = Set(fresh.topics.keys)
        } else {
            cachedTopics.formUnion(topics ?? [])
        }
        cacheAge = .now
        return fresh
    }

    /// Metadata for `topics` from the cache when it is fresh and complete, else from the cluster.
    public func metadata(for topics: [String], allowAutoCreation: Bool = false) async throws -> ClusterMetadata {
        let fresh = cacheAge.map { ContinuousClock.now - $0 < config.metadataMaxAge } ?? false
        if fresh, topics.allSatisfy({ cache.partitionCount(of: $0) != nil }) { return cache }
        try await refreshMetadata(topics: topics, allowAutoCreation: allowAutoCreation)
        return cache
    }

    private func fetchMetadata(on connection: BrokerConnection, topics: [String]?, allowAutoCreation: Bool) async throws -> ClusterMetadata {
        let version = try connection.version(for: .metadata)
        let request = MetadataRequest(
            topics: topics.map { $0.map { MetadataRequest.MetadataRequestTopic(name: $0) } },
            allowAutoTopicCreation: allowAutoCreation)
        let response = try await connection.send(request, version: version)
        return ClusterMetadata(response)
    }

    // MARK: Lifecycle

    /// Closes every connection; later calls throw `closed`.
    public func close() async {
        isClosed = true
        for task in connections.values { (try? await task.value)?.close() }
        connections = [:]
        if let bootstrapConnection { (try? await bootstrapConnection.value)?.close() }
        bootstrapConnection = nil
    }
}

/// Just the reason of a failed connect, so "no broker reachable" does not repeat the address.
private struct ConnectFailureReason: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}
