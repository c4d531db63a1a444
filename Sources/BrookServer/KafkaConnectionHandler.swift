import BrookBroker
import Logging
import NIOCore

/// One client connection: hands each frame to the broker and writes responses strictly in request
/// order, though the requests themselves may complete out of order. The rules (in-flight bound,
/// backpressure, timeouts) live in `ConnectionState`; this handler performs what it decides.
final class KafkaConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let broker: Broker
    private let logger: Logger
    private let inFlight: InFlightRequests
    private let connections: ConnectionSet
    private var state: ConnectionState
    private var clientHost = ""
    /// Closed with the connection, so work parked for its requests stops at once.
    private let lifetime = CloseSignal()
    private var timer: Scheduled<Void>?
    /// Completes when the last response written so far has gone to the socket (or failed).
    private var lastWrite: EventLoopFuture<Void>?
    private var timerDeadline: NIODeadline?

    init(broker: Broker, logger: Logger, inFlight: InFlightRequests, connections: ConnectionSet,
         limits: ConnectionState.Limits) {
        self.broker = broker
        self.logger = logger
        self.inFlight = inFlight
        self.connections = connections
        self.state = ConnectionState(limits: limits, now: .now())
    }

    func channelActive(context: ChannelHandlerContext) {
        connections.add(context.channel)
        // Kafka's form: the peer's IP with a leading slash.
        clientHost = context.channel.remoteAddress?.ipAddress.map { "/\($0)" } ?? ""
        rearmTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        connections.remove(context.channel)
        timer?.cancel()
        timer = nil
        lifetime.close()
        // Responses that will never be written still hold segment files.
        perform(state.connectionClosed(), context: context)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is ConnectionSet.ShutdownRequested:
            perform(state.shutdownRequested(), context: context)
        case is KafkaFrameDecoder.PartialFrame:
            state.partialFrameStarted(now: .now())
            rearmTimer(context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        perform(state.frameReceived(Self.unwrapInboundIn(data), now: .now()), context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        perform(state.writabilityChanged(context.channel.isWritable, now: .now()), context: context)
        context.fireChannelWritabilityChanged()
    }

    /// Reads pass only while the connection may take more requests (Kafka's muted channel).
    func read(context: ChannelHandlerContext) {
        perform(state.readRequested(), context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("connection error, closing", metadata: ["error": "\(error)"])
        perform(state.requestRejected(reason: "\(error)"), context: context)
    }

    // MARK: Performing effects

    private func perform(_ effects: ConnectionState.Effects, context: ChannelHandlerContext) {
        for frame in effects.discard { frame.closeFiles() }
        // Writes before starts: a request that completes at once must not overtake older answers.
        for frame in effects.write { write(frame, context: context) }
        if !effects.write.isEmpty { context.flush() }
        for (id, frame) in effects.start { start(id: id, frame: frame, context: context) }
        if effects.read { context.read() }
        if let reason = effects.close {
            logger.debug("closing connection", metadata: ["reason": "\(reason)"])
            timer?.cancel()
            timer = nil
            if effects.closeWhenWritten, let lastWrite {
                // Shutdown: the answers just written (a parked Fetch's, say) still reach the client.
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                lastWrite.whenComplete { _ in bound.value.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
            return
        }
        rearmTimer(context: context)
    }

    private func start(id: UInt64, frame: ByteBuffer, context: ChannelHandlerContext) {
        // An earlier request of the same batch closed the connection.
        guard !state.closing else { return }
        switch broker.handle(frame: frame, on: context.eventLoop, clientHost: clientHost,
                             connection: lifetime) {
        case .close(let reason):
            perform(state.requestRejected(reason: reason), context: context)
        case .respond(let future):
            inFlight.started()
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            future.hop(to: context.eventLoop).whenComplete { result in
                let (handler, context) = loopBound.value
                handler.inFlight.finished()
                switch result {
                case .success(let response):
                    handler.perform(handler.state.responseReady(id: id, response, now: .now()), context: context)
                case .failure(let error):
                    handler.logger.error("request failed", metadata: ["error": "\(error)"])
                    handler.perform(handler.state.requestRejected(reason: "request failed: \(error)"), context: context)
                }
            }
        }
    }

    /// Writes every part in order; the segment files are released once the last part has gone
    /// (or failed), which also counts as activity on the connection.
    private func write(_ frame: OutboundFrame, context: ChannelHandlerContext) {
        let done = context.eventLoop.makePromise(of: Void.self)
        for (i, part) in frame.parts.enumerated() {
            context.write(Self.wrapOutboundOut(part), promise: i == frame.parts.count - 1 ? done : nil)
        }
        if frame.parts.isEmpty { done.succeed(()) }
        lastWrite = done.futureResult
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        done.futureResult.whenComplete { _ in
            frame.closeFiles()
            let (handler, context) = loopBound.value
            handler.state.wrote(now: .now())
            handler.rearmTimer(context: context)
        }
    }

    // MARK: Timeouts

    /// Keeps one timer at the state's next deadline; a later deadline just lets the timer fire early
    /// and be set again.
    private func rearmTimer(context: ChannelHandlerContext) {
        guard let next = state.nextDeadline else {
            timer?.cancel()
            timer = nil
            timerDeadline = nil
            return
        }
        if let current = timerDeadline, current <= next, timer != nil { return }
        timer?.cancel()
        timerDeadline = next
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: next) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.timerDeadline = nil
            handler.perform(handler.state.timerFired(now: .now()), context: context)
        }
    }
}
