import Foundation
import Logging
import NIOCore
import NIOPosix

/// Carries out `PeerLiveness`: one idle TCP connection to every other registered broker, reconnects
/// when one ends, and calls `revoke` with the lease of a broker whose process is certainly gone.
actor PeerLivenessProbe {
    private var liveness = PeerLiveness()
    private var channels: [PeerLiveness.Peer: any Channel] = [:]
    private var stopped = false
    private let group: any EventLoopGroup
    private let revoke: @Sendable (PeerLiveness.Peer) async -> Void
    private let logger: Logger

    init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger,
         revoke: @escaping @Sendable (PeerLiveness.Peer) async -> Void) {
        self.group = group
        self.logger = logger
        self.revoke = revoke
    }

    /// The other brokers' registrations as the member last saw them.
    func update(peers: Set<PeerLiveness.Peer>) {
        guard !stopped else { return }
        perform(liveness.update(peers: peers))
    }

    func stop() {
        stopped = true
        for channel in channels.values { channel.close(promise: nil) }
        channels = [:]
    }

    private func observed(_ outcome: PeerLiveness.Outcome, for peer: PeerLiveness.Peer, channel: (any Channel)? = nil) {
        guard !stopped else {
            channel?.close(promise: nil)
            return
        }
        let actions = liveness.observed(outcome, for: peer)
        if let channel {
            // Connected to a peer forgotten meanwhile: nobody will close it but us.
            if liveness.peers.contains(peer) { channels[peer] = channel } else { channel.close(promise: nil) }
        } else if outcome == .closed {
            channels[peer] = nil
        }
        perform(actions)
    }

    private func perform(_ actions: [PeerLiveness.Action]) {
        for action in actions {
            switch action {
            case .connect(let peer):
                connect(peer)
            case .connectAfter(let peer, let delay):
                Task {
                    try? await Task.sleep(for: delay)
                    self.connectIfStillTracked(peer)
                }
            case .disconnect(let peer):
                channels.removeValue(forKey: peer)?.close(promise: nil)
            case .revoke(let peer):
                let revoke = self.revoke
                Task { await revoke(peer) }
            }
        }
    }

    private func connectIfStillTracked(_ peer: PeerLiveness.Peer) {
        guard !stopped, liveness.peers.contains(peer) else { return }
        connect(peer)
    }

    private func connect(_ peer: PeerLiveness.Peer) {
        let connecting = ClientBootstrap(group: group)
            .connectTimeout(.seconds(1))
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .connect(host: peer.host, port: Int(peer.port))
        connecting.whenComplete { result in
            switch result {
            case .success(let channel):
                channel.closeFuture.whenComplete { _ in
                    Task { await self.observed(.closed, for: peer) }
                }
                Task { await self.observed(.connected, for: peer, channel: channel) }
            case .failure(let error):
                let outcome: PeerLiveness.Outcome = Self.isRefusal(error) ? .refused : .failed
                Task { await self.observed(outcome, for: peer) }
            }
        }
    }

    /// Whether every address tried answered ECONNREFUSED (nothing listens there).
    static func isRefusal(_ error: any Error) -> Bool {
        if let io = error as? IOError { return io.errnoCode == ECONNREFUSED }
        if let connection = error as? NIOConnectionError {
            let failures = connection.connectionErrors
            return !failures.isEmpty && failures.allSatisfy { isRefusal($0.error) }
        }
        return false
    }
}
