import BrookBroker
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The Kafka listener as a long-lived service: binds, serves until graceful shutdown, then stops
/// accepting, lets in-flight requests finish, and closes the broker's logs cleanly.
public final class KafkaServer: Service, Sendable {
    private let broker: Broker
    private let group: EventLoopGroup
    private let logger: Logger
    private let inFlight = InFlightRequests()
    private let connections = ConnectionSet()
    private let onReady: @Sendable (SocketAddress) -> Void

    public init(broker: Broker, group: EventLoopGroup, logger: Logger,
                onReady: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.broker = broker
        self.group = group
        self.logger = logger
        self.onReady = onReady
    }

    private func bind() async throws -> Channel {
        let broker = self.broker
        let logger = self.logger
        let inFlight = self.inFlight
        let connections = self.connections
        let maxFrame = broker.config.socketRequestMaxBytes
        let limits = Self.connectionLimits(broker.config)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(KafkaFrameDecoder(maxFrameSize: maxFrame)))
                    try channel.pipeline.syncOperations.addHandler(KafkaConnectionHandler(broker: broker, logger: logger, inFlight: inFlight, connections: connections,
                                                                                      limits: limits))
                }
            }
            .bind(host: broker.config.listenHost, port: broker.config.listenPort).get()
    }

    public func run() async throws {
        let channel = try await bind()
        // The coordinators' internal topics open in the background: the listener does not wait.
        broker.startCoordinators()
        if let address = channel.localAddress { onReady(address) }
        let flushTimer = startFlushScheduler()
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
        flushTimer?.cancel()
        try await broker.beginShutdown().get()  // answers parked JoinGroup/SyncGroup so requests drain
        connections.shutdownAll()
        try await inFlight.drained(on: group.next()).get()
        try await broker.shutdown().get()
        logger.info("shut down cleanly")
    }

    static func connectionLimits(_ config: BrokerConfig) -> ConnectionState.Limits {
        func duration(_ ms: Int64) -> TimeAmount? { ms < 0 ? nil : .milliseconds(ms) }
        return .init(maxInFlight: config.queuedMaxRequests,
                     maxInFlightBytes: config.queuedMaxRequestBytes > 0 ? config.queuedMaxRequestBytes : nil,
                     requestReadTimeout: duration(config.socketRequestReadTimeoutMs),
                     idleTimeout: duration(config.connectionsMaxIdleMs))
    }

    private func startFlushScheduler() -> RepeatedTask? {
        // Kafka checks the time-based flush policy on the scheduler interval; a configured
        // `log.flush.interval.ms` shorter than that would otherwise never be honoured on time.
        let interval = min(broker.config.flushSchedulerIntervalMs, broker.config.flushMs)
        guard interval > 0, interval < Int64.max else { return nil }
        let broker = self.broker
        return group.next().scheduleRepeatedTask(initialDelay: .milliseconds(interval), delay: .milliseconds(interval)) { _ in
            broker.flushDuePartitions()
        }
    }
}
