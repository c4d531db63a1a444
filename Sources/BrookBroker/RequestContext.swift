import BrookProtocol
import NIOCore

/// What a handler knows about the request it is answering.
public struct RequestContext: Sendable {
    public let header: RequestHeader
    /// The connection's event loop; responses complete here.
    public let eventLoop: EventLoop
    /// The broker answering it.
    public let broker: Broker
    /// The client's address as Kafka reports it in group descriptions ("/127.0.0.1").
    public let clientHost: String
    /// Closes with the client's connection: work parked for it (a long-poll Fetch) stops then.
    public var connection: CloseSignal? = nil
}

/// What the broker wants done with one request frame.
public enum RequestDisposition: Sendable {
    /// Write this complete response frame (size prefix included) in request order; nil = no response (acks=0).
    case respond(EventLoopFuture<OutboundFrame?>)
    /// Close the connection, as Kafka does for unknown APIs, unsupported versions and malformed requests.
    case close(reason: String)
}
