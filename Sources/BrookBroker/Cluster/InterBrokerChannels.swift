import BrookCluster
import BrookProtocol
import NIOConcurrencyHelpers
import NIOCore

/// Kafka connections from this broker to the others, for requests a broker sends on its own behalf
/// (WriteTxnMarkers to partition leaders, as Kafka's TransactionMarkerChannelManager): one per
/// broker, opened on first use, dropped when it fails or the broker's address changed, so the next
/// request connects again.
final class InterBrokerChannels: Sendable {
    private let group: EventLoopGroup
    private let clientId: String
    private let timeout: TimeAmount
    private let connections = NIOLockedValueBox<[Int32: (endpoint: BrokerEndpoint, connection: EventLoopFuture<LeaderConnection>)]>([:])

    /// The client id of a broker's own requests (`brook-broker-<node id>`): a broker does not forward a
    /// request that another broker forwarded to it.
    static let clientIdPrefix = "brook-broker-"

    init(group: EventLoopGroup, nodeId: Int32, timeout: TimeAmount) {
        self.group = group
        self.clientId = Self.clientIdPrefix + "\(nodeId)"
        self.timeout = timeout
    }

    /// Sends `request` to `endpoint` and decodes its answer; a failure drops the connection.
    func send<Request: KafkaMessage, Response: KafkaMessage>(_ request: Request, version: Int16, as: Response.Type,
                                                             to endpoint: BrokerEndpoint) -> EventLoopFuture<Response> {
        let (group, clientId, timeout) = (self.group, self.clientId, self.timeout)
        let connection = connections.withLockedValue { all -> EventLoopFuture<LeaderConnection> in
            if let existing = all[endpoint.nodeId], existing.endpoint == endpoint { return existing.connection }
            all[endpoint.nodeId]?.connection.whenSuccess { $0.close() }
            let made = LeaderConnection.connect(host: endpoint.host, port: Int(endpoint.port), on: group.next(),
                                                clientId: clientId, timeout: timeout, maxResponseSize: 16 << 20)
            all[endpoint.nodeId] = (endpoint, made)
            return made
        }
        return connection.flatMap { $0.send(request, version: version, as: Response.self, timeout: timeout) }
            .flatMapErrorThrowing { error in
                self.drop(endpoint)
                throw error
            }
    }

    private func drop(_ endpoint: BrokerEndpoint) {
        let dropped = connections.withLockedValue { all -> EventLoopFuture<LeaderConnection>? in
            guard let existing = all[endpoint.nodeId], existing.endpoint == endpoint else { return nil }
            all[endpoint.nodeId] = nil
            return existing.connection
        }
        dropped?.whenSuccess { $0.close() }
    }

    /// Closes every connection (shutdown).
    func closeAll() {
        let all = connections.withLockedValue { all -> [EventLoopFuture<LeaderConnection>] in
            defer { all = [:] }
            return all.values.map(\.connection)
        }
        for connection in all { connection.whenSuccess { $0.close() } }
    }
}
