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

    /// Asks every connection to finish what it has in flight and close. Completes once each has
    /// taken the request in (on its own loop), so none starts a new request after that: waiting for
    /// the in-flight requests then really waits for the last one.
    func shutdownAll(on loop: EventLoop) -> EventLoopFuture<Void> {
        let asked = channels.withLockedValue({ Array($0.values) }).map { channel in
            channel.eventLoop.submit { channel.pipeline.fireUserInboundEventTriggered(ShutdownRequested()) }
        }
        return EventLoopFuture.andAllComplete(asked, on: loop)
    }
}
