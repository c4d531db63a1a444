import BrookBroker
import Logging
import NIOCore

/// One client connection: hands each frame to the broker and writes responses strictly in request
/// order, though the requests themselves may complete out of order.
final class KafkaConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = IOData

    private let broker: Broker
    private let logger: Logger
    private let inFlight: InFlightRequests
    private let connections: ConnectionSet
    /// Responses still owed, oldest first; nil entries are requests answered with nothing (acks=0).
    private var pending = CircularBuffer<PendingResponse>()
    private var nextSequence: UInt64 = 0
    private var closing = false
    private var inactive = false
    private var clientHost = ""

    private final class PendingResponse {
        let sequence: UInt64
        var result: OutboundFrame??  // outer nil: not done yet; inner nil: no response
        init(sequence: UInt64) { self.sequence = sequence }
    }

    init(broker: Broker, logger: Logger, inFlight: InFlightRequests, connections: ConnectionSet) {
        self.broker = broker
        self.logger = logger
        self.inFlight = inFlight
        self.connections = connections
    }

    func channelActive(context: ChannelHandlerContext) {
        connections.add(context.channel)
        // Kafka's form: the peer's IP with a leading slash.
        clientHost = context.channel.remoteAddress?.ipAddress.map { "/\($0)" } ?? ""
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.remove(context.channel)
        inactive = true
        // Responses that will never be written still hold segment file handles.
        while let entry = pending.popFirst() {
            if case .some(.some(let frame)) = entry.result { frame.closeFiles() }
        }
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ConnectionSet.ShutdownRequested else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Stop taking requests; close once every owed response is written.
        closing = true
        if pending.isEmpty { context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let frame = Self.unwrapInboundIn(data)
        switch broker.handle(frame: frame, on: context.eventLoop, clientHost: clientHost) {
        case .close(let reason):
            logger.debug("closing connection", metadata: ["reason": "\(reason)"])
            closing = true
            flushReady(context: context)
            context.close(promise: nil)
        case .respond(let future):
            let entry = PendingResponse(sequence: nextSequence)
            nextSequence &+= 1
            pending.append(entry)
            inFlight.started()
            let loopBound = NIOLoopBound((self, context, entry), eventLoop: context.eventLoop)
            future.whenComplete { result in
                let (handler, context, entry) = loopBound.value
                handler.inFlight.finished()
                switch result {
                case .success(let response):
                    if handler.inactive {
                        response?.closeFiles()
                        return
                    }
                    entry.result = .some(response)
                    handler.flushReady(context: context)
                case .failure(let error):
                    handler.logger.error("request failed", metadata: ["error": "\(error)"])
                    handler.closing = true
                    context.close(promise: nil)
                }
            }
        }
    }

    /// Writes every completed response at the head of the queue.
    private func flushReady(context: ChannelHandlerContext) {
        var wrote = false
        while let head = pending.first, let result = head.result {
            pending.removeFirst()
            if let frame = result {
                write(frame, context: context)
                wrote = true
            }
        }
        if wrote { context.flush() }
        if closing && pending.isEmpty && context.channel.isActive { context.close(promise: nil) }
    }

    /// Writes every part in order; file handles close once the last part has gone (or failed).
    private func write(_ frame: OutboundFrame, context: ChannelHandlerContext) {
        guard !frame.fileHandles.isEmpty else {
            for part in frame.parts { context.write(Self.wrapOutboundOut(part), promise: nil) }
            return
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        for (i, part) in frame.parts.enumerated() {
            context.write(Self.wrapOutboundOut(part), promise: i == frame.parts.count - 1 ? done : nil)
        }
        done.futureResult.whenComplete { _ in frame.closeFiles() }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("connection error, closing", metadata: ["error": "\(error)"])
        closing = true
        context.close(promise: nil)
    }
}
