/// Decides from connection attempts which other broker's process is certainly gone, so its lease
/// can be revoked at once instead of waiting for etcd to expire it (etcd's lease floor is 1.5 × its
/// election timeout, 2 s by default, plus up to 0.5 s until its expiry check runs).
///
/// Each broker keeps one idle TCP connection to every other registered broker. A kill -9 or a crash
/// closes the dead process's sockets at once: the connection ends, and reconnecting is refused
/// because nothing listens on the port any more. Only that answer counts, and only twice in a row,
/// for a broker that has been reachable under its current lease: a stopped (SIGSTOP) or cut-off
/// broker still completes the TCP handshake or times out, so it keeps its lease and is judged by it
/// as before. Revoking a dead process's lease only brings forward what its expiry would do; the
/// safety of leadership changes does not rest on it (every change is a fenced compare-and-swap).
///
/// Sans-IO: the probe (`PeerLivenessProbe`) reports connection outcomes and carries out the actions.
struct PeerLiveness: Sendable {
    /// A registered broker as the probe sees it: where it listens and the lease it lives under.
    struct Peer: Sendable, Hashable {
        var id: Int32
        var host: String
        var port: Int32
        var lease: Int64
    }

    enum Outcome: Sendable, Equatable {
        case connected
        /// An established connection ended.
        case closed
        /// The peer's host answered that nothing listens on the port (ECONNREFUSED).
        case refused
        /// Anything else (timeout, unreachable network): says nothing about the process.
        case failed
    }

    enum Action: Sendable, Equatable {
        case connect(Peer)
        case connectAfter(Peer, Duration)
        case disconnect(Peer)
        case revoke(Peer)
    }

    /// Refusals in a row that prove the process gone: one could be a port briefly between two
    /// listeners; two, 50 ms apart, cannot be while the broker runs.
    static let refusalsToRevoke = 2
    static let confirmDelay: Duration = .milliseconds(50)
    static let retryDelay: Duration = .milliseconds(200)

    private enum State: Sendable, Equatable {
        case connecting
        case up
        case revoked
    }

    private struct Tracked: Sendable {
        var state: State = .connecting
        /// Reachable at least once under this lease: a broker still starting (registered before its
        /// listener is bound) is never judged by refusals.
        var wasUp = false
        var refusals = 0
    }

    private var tracked: [Peer: Tracked] = [:]

    /// The registered brokers other than this one changed: probe the new ones, forget the gone ones
    /// (a restarted broker registers under a new lease and is a new peer).
    mutating func update(peers: Set<Peer>) -> [Action] {
        var actions: [Action] = []
        for peer in tracked.keys.sorted(by: { $0.id < $1.id }) where !peers.contains(peer) {
            tracked[peer] = nil
            actions.append(.disconnect(peer))
        }
        for peer in peers.sorted(by: { $0.id < $1.id }) where tracked[peer] == nil {
            tracked[peer] = Tracked()
            actions.append(.connect(peer))
        }
        return actions
    }

    /// An attempt to `peer` ended with `outcome`.
    mutating func observed(_ outcome: Outcome, for peer: Peer) -> [Action] {
        guard var entry = tracked[peer], entry.state != .revoked else { return [] }
        defer { tracked[peer] = entry }
        switch outcome {
        case .connected:
            entry.state = .up
            entry.wasUp = true
            entry.refusals = 0
            return []
        case .closed:
            entry.state = .connecting
            entry.refusals = 0
            return [.connect(peer)]
        case .refused:
            guard entry.wasUp else { return [.connectAfter(peer, Self.retryDelay)] }
            entry.refusals += 1
            if entry.refusals >= Self.refusalsToRevoke {
                entry.state = .revoked
                return [.revoke(peer)]
            }
            return [.connectAfter(peer, Self.confirmDelay)]
        case .failed:
            entry.refusals = 0
            return [.connectAfter(peer, Self.retryDelay)]
        }
    }

    /// Peers currently probed (for tests and logs).
    var peers: Set<Peer> { Set(tracked.keys) }
}
