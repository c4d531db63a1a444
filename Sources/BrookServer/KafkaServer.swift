import BrookBroker
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The Kafka listener as a long-lived service: binds, serves until graceful shutdown, then stops
/// accepting and lets in-flight requests finish. Run it in a `ServiceGroup` after the `Broker`, which
/// closes the logs once the listener has drained.
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
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
        try await broker.beginShutdown().get()  // answers parked JoinGroup/SyncGroup so requests drain
        try await connections.shutdownAll(on: group.next()).get()
        try await inFlight.drained(on: group.next()).get()
    }

    static func connectionLimits(_ config: BrokerConfig) -> ConnectionState.Limits {
        func duration(_ ms: Int64) -> TimeAmount? { ms < 0 ? nil : .milliseconds(ms) }
        return .init(maxInFlight: config.queuedMaxRequests,
                     maxInFlightBytes: config.queuedMaxRequestBytes > 0 ? config.queuedMaxRequestBytes : nil,
                     requestReadTimeout: duration(config.socketRequestReadTimeoutMs),
                     idleTimeout: duration(config.connectionsMaxIdleMs))
    }
}
