import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A few keep-alive connections to the endpoint currently in use. A connection is taken for one
/// request and given back after it; a new one dials the preferred endpoint first and moves on to the
/// next on a connection error, remembering the one that answered.
final class EtcdConnectionPool: Sendable {
    private struct State {
        var idle: [EtcdConnection] = []
        /// Every open connection, idle or busy (watches too), so shutdown can close them all.
        var open: [ObjectIdentifier: EtcdConnection] = [:]
        var preferred = 0
        var isShutdown = false
    }

    let endpoints: [EtcdEndpoint]
    private let group: EventLoopGroup
    private let connectTimeout: TimeAmount
    private let maxIdle: Int
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(endpoints: [EtcdEndpoint], group: EventLoopGroup, connectTimeout: TimeAmount, maxIdle: Int, logger: Logger) {
        precondition(!endpoints.isEmpty, "EtcdConnectionPool needs at least one endpoint")
        self.endpoints = endpoints
        self.group = group
        self.connectTimeout = connectTimeout
        self.maxIdle = maxIdle
        self.logger = logger
    }

    /// An idle open connection (`reused` true), else a new one.
    func acquire() async throws -> (connection: EtcdConnection, reused: Bool) {
        let idle: EtcdConnection? = try state.withLockedValue { state in
            guard !state.isShutdown else { throw EtcdError.shutdown }
            while let connection = state.idle.popLast() {
                if connection.isActive { return connection }
                state.open[ObjectIdentifier(connection)] = nil
            }
            return nil
        }
        if let idle { return (idle, true) }
        return (try await connectNew(), false)
    }

    /// A new connection that is not shared (watches hold theirs for their whole life).
    func connectNew() async throws -> EtcdConnection {
        let start = state.withLockedValue { $0.preferred }
        var failures: [String] = []
        for step in 0..<endpoints.count {
            let index = (start + step) % endpoints.count
            let endpoint = endpoints[index]
            do {
                let connection = try await EtcdConnection.connect(to: endpoint, group: group, connectTimeout: connectTimeout)
                let accepted = state.withLockedValue { state -> Bool in
                    guard !state.isShutdown else { return false }
                    state.preferred = index
                    state.open[ObjectIdentifier(connection)] = connection
                    return true
                }
                guard accepted else {
                    connection.close()
                    throw EtcdError.shutdown
                }
                connection.channel.closeFuture.whenComplete { [weak self] _ in
                    self?.state.withLockedValue { $0.open[ObjectIdentifier(connection)] = nil }
                }
                if step > 0 { logger.info("etcd endpoint failover", metadata: [EtcdLogKeys.endpoint: "\(endpoint)"]) }
                return connection
            } catch let error as EtcdError where error == .shutdown {
                throw error
            } catch {
                logger.debug("etcd endpoint unreachable", metadata: [EtcdLogKeys.endpoint: "\(endpoint)", "error": "\(error)"])
                failures.append("\(endpoint): \(error)")
            }
        }
        throw EtcdError.unreachable(failures)
    }

    /// Gives a connection back after a complete response; it is closed instead when the server
    /// wants that, or enough are idle already.
    func release(_ connection: EtcdConnection, keepAlive: Bool) {
        let keep = keepAlive && connection.isActive && state.withLockedValue { state in
            guard !state.isShutdown, state.idle.count < maxIdle else { return false }
            state.idle.append(connection)
            return true
        }
        if !keep { connection.close() }
    }

    /// The connection is broken or mid-response: close it and let the next dial start at the next
    /// endpoint if this one refuses.
    func discard(_ connection: EtcdConnection) {
        connection.close()
    }

    /// Open connections, idle or busy (watches included); for tests and diagnostics.
    var openConnectionCount: Int { state.withLockedValue { $0.open.count } }

    /// Closes every connection, including watches; later requests fail with `shutdown`.
    func shutdown() async {
        let all = state.withLockedValue { state -> [EtcdConnection] in
            state.isShutdown = true
            state.idle.removeAll()
            return Array(state.open.values)
        }
        for connection in all {
            try? await connection.channel.close()
        }
    }
}
