/// Everything the etcd client can fail with, each with a message that says what to look at.
public enum EtcdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `EtcdEndpoints.parse` rejected its input.
    case invalidEndpoints(String)
    /// No endpoint accepted a connection; each endpoint with why it failed.
    case unreachable([String])
    /// The connection broke before the whole answer arrived.
    case connectionClosed(endpoint: String)
    /// No answer within the request timeout.
    case timeout(endpoint: String, milliseconds: Int64)
    /// The gateway answered with a non-200 status; `code` is the gRPC code from its JSON error body.
    case server(status: Int, code: Int?, message: String)
    /// The lease does not exist (never granted, revoked, or expired).
    case leaseNotFound(Int64)
    /// The watch start revision was compacted away: re-read the keys, then watch from the read's revision.
    case compacted(compactRevision: Int64)
    /// etcd cancelled the watch for a reason other than compaction.
    case watchCanceled(reason: String)
    /// The server's bytes did not decode as what the API promises.
    case decode(String)
    /// The client was shut down.
    case shutdown

    public var description: String {
        switch self {
        case .invalidEndpoints(let why): return "invalid etcd endpoints: \(why)"
        case .unreachable(let tried): return "no etcd endpoint reachable (tried \(tried.joined(separator: "; ")))"
        case .connectionClosed(let endpoint): return "connection to etcd \(endpoint) closed before the response was complete"
        case .timeout(let endpoint, let ms): return "etcd \(endpoint) did not answer within \(ms) ms"
        case .server(let status, let code, let message):
            return "etcd answered HTTP \(status)\(code.map { " (gRPC code \($0))" } ?? ""): \(message)"
        case .leaseNotFound(let id): return "etcd lease \(id) not found (expired or revoked)"
        case .compacted(let revision):
            return "etcd watch start revision was compacted (oldest available: \(revision)); re-read and watch again"
        case .watchCanceled(let reason): return "etcd cancelled the watch: \(reason)"
        case .decode(let what): return "undecodable etcd response: \(what)"
        case .shutdown: return "etcd client is shut down"
        }
    }
}
