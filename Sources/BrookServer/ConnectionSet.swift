import NIOConcurrencyHelpers
import NIOCore

/// The open client connections, so a graceful shutdown can stop them taking new requests.
final class ConnectionSet: Sendable {
    /// Sent down each connection's pipeline when the server begins to shut down.
    struct ShutdownRequested: Sendable {}

    private let channels = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])

    func add(_ channel: Channel) {
        channels.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
    }

    func remove(_ channel: Channel) {
        _ = channels.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Asks every connection to finish what it has in flight and close.
    func shutdownAll() {
        for channel in channels.withLockedValue({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ShutdownRequested())
        }
    }
}
