import NIOConcurrencyHelpers
import NIOCore

/// Answers to `GET /schemas/ids/...` kept by their exact URI, so the hottest call serializers make
/// (a consumer meeting an id) is answered on the connection's event loop by
/// `RegistryFastReadHandler`, without the task and actor hops of the full request path.
///
/// An answer depends only on the schemas, so any applied schema change empties the cache, and an
/// answer computed before a change is never stored after it (the generation check).
public final class RegistryReadCache: Sendable {
    private struct Contents {
        var generation: UInt64 = 0
        var bodies: [String: ByteBuffer] = [:]
    }

    /// Beyond this many distinct URIs the cache starts over (URIs are client-chosen: bounded memory).
    static let maximumEntries = 65_536
    static let cachedPathPrefix = "/schemas/ids/"

    private let contents = NIOLockedValueBox(Contents())

    public init() {}

    /// Whether answers to `uri` are kept here.
    static func caches(uri: Substring) -> Bool { uri.hasPrefix(cachedPathPrefix) }

    func body(for uri: String) -> ByteBuffer? {
        contents.withLockedValue { $0.bodies[uri] }
    }

    /// The generation to hand back to `store`: read before computing an answer.
    var generation: UInt64 { contents.withLockedValue { $0.generation } }

    /// Keeps `body` unless the schemas changed since `generation` was read.
    func store(_ body: ByteBuffer, for uri: String, computedAt generation: UInt64) {
        contents.withLockedValue { contents in
            guard contents.generation == generation else { return }
            if contents.bodies.count >= Self.maximumEntries { contents.bodies.removeAll() }
            contents.bodies[uri] = body
        }
    }

    /// Called whenever applied records changed schemas.
    func invalidate() {
        contents.withLockedValue { contents in
            contents.generation &+= 1
            contents.bodies.removeAll()
        }
    }
}
