import BrookBroker
import NIOCore

/// The rules of one client connection, without I/O: which requests may start, which responses go
/// out (strictly in request order), when the socket may be read, and when a slow or idle client is
/// cut off. `KafkaConnectionHandler` feeds it events and performs the `Effects` it returns.
///
/// Backpressure, as Kafka mutes a channel: no socket read while `maxInFlight` requests, or
/// `maxInFlightBytes` of request frames, are owed a response, or while the written responses have not
/// drained (the channel is not writable). Frames already read past a bound wait in `held` and start as
/// answers go out; one request always may run, however large.
struct ConnectionState {
    /// Bounds for one connection, from the broker config.
    struct Limits: Sendable {
        /// Requests started and not yet answered on the wire (`queued.max.requests`, per connection).
        var maxInFlight: Int
        /// Bytes of request frames started and not yet answered (`queued.max.request.bytes`, per
        /// connection); nil: no byte bound.
        var maxInFlightBytes: Int? = nil
        /// A request whose first bytes arrived must be complete within this (`socket.request.read.timeout.ms`).
        var requestReadTimeout: TimeAmount?
        /// A connection with no bytes in or out for this long is closed (`connections.max.idle.ms`).
        var idleTimeout: TimeAmount?
    }

    /// What the handler must do after an event, in this order: start requests, write responses,
    /// release the files of responses that will never be written, read, close.
    struct Effects {
        var start: [(id: UInt64, frame: ByteBuffer)] = []
        var write: [OutboundFrame] = []
        var discard: [OutboundFrame] = []
        var read = false
        var close: String?
        /// Close only once the responses already written have gone out (graceful shutdown);
        /// otherwise at once.
        var closeWhenWritten = false
    }

    private enum Slot {
        case waiting
        case done(OutboundFrame?)  // nil: a request answered with nothing (acks=0)
    }

    let limits: Limits
    /// Started requests owed an answer, oldest first, with their frame sizes.
    private var owed = CircularBuffer<(id: UInt64, bytes: Int, slot: Slot)>()
    /// The frame bytes of the requests in `owed`.
    private(set) var inFlightBytes = 0
    /// Frames read while `maxInFlight` requests were owed; started in order as answers go out.
    private var held = CircularBuffer<ByteBuffer>()
    private var nextId: UInt64 = 0
    private var writable = true
    /// The pipeline asked for a read that was withheld.
    private var readWanted = false
    private(set) var closing = false
    private(set) var closed = false
    private var lastActivity: NIODeadline
    /// When the first bytes of a still incomplete request arrived (or reading last resumed).
    private var partialSince: NIODeadline?
    /// `!mayRead` as of the last event, to notice when reading resumes.
    private var muted = false

    init(limits: Limits, now: NIODeadline) {
        self.limits = limits
        self.lastActivity = now
    }

    /// Requests started and not yet answered on the wire; never above `limits.maxInFlight`.
    var inFlightCount: Int { owed.count }
    /// Frames read but not started (bounded by what one socket read can hold).
    var heldCount: Int { held.count }

    /// Whether the socket may be read now.
    var mayRead: Bool {
        !closing && writable && held.isEmpty && mayStart
    }

    /// Whether one more request may start: under both in-flight bounds (one always may).
    private var mayStart: Bool {
        guard !owed.isEmpty else { return true }
        return owed.count < limits.maxInFlight && limits.maxInFlightBytes.map { inFlightBytes < $0 } ?? true
    }

    // MARK: Events

    /// A complete request frame arrived.
    mutating func frameReceived(_ frame: ByteBuffer, now: NIODeadline) -> Effects {
        lastActivity = now
        partialSince = nil
        guard !closing else { return Effects() }
        var effects = Effects()
        if held.isEmpty && mayStart {
            effects.start.append(begin(frame))
        } else {
            held.append(frame)
        }
        noteMute(now: now)
        return effects
    }

    /// The first bytes of a request arrived; the rest must follow within `requestReadTimeout`.
    mutating func partialFrameStarted(now: NIODeadline) {
        lastActivity = now
        partialSince = now
    }

    /// The broker answered request `id` (nil: no response is due).
    mutating func responseReady(id: UInt64, _ frame: OutboundFrame?, now: NIODeadline) -> Effects {
        var effects = Effects()
        guard !closed, let index = owed.firstIndex(where: { $0.id == id }) else {
            if let frame { effects.discard.append(frame) }
            return effects
        }
        owed[index].slot = .done(frame)
        while let head = owed.first, case .done(let ready) = head.slot {
            retireHead()
            if let ready { effects.write.append(ready) }
        }
        startHeld(into: &effects)
        finish(&effects, now: now)
        return effects
    }

    /// The broker refused a request in a way that ends the connection (malformed, unsupported API).
    mutating func requestRejected(reason: String) -> Effects {
        closing = true
        var effects = Effects()
        // Answers already complete at the head still go out, as before the refused request.
        while let head = owed.first, case .done(let ready) = head.slot {
            retireHead()
            if let ready { effects.write.append(ready) }
        }
        held.removeAll()
        effects.close = reason
        return effects
    }

    /// The pipeline wants to read from the socket.
    mutating func readRequested() -> Effects {
        var effects = Effects()
        if mayRead {
            readWanted = false
            effects.read = true
        } else {
            readWanted = true
        }
        return effects
    }

    /// The channel's outbound buffer crossed a water mark.
    mutating func writabilityChanged(_ isWritable: Bool, now: NIODeadline) -> Effects {
        writable = isWritable
        var effects = Effects()
        finish(&effects, now: now)
        return effects
    }

    /// A response finished going out to the socket.
    mutating func wrote(now: NIODeadline) {
        lastActivity = now
    }

    /// Graceful shutdown: no new requests; close once every owed answer is written.
    mutating func shutdownRequested() -> Effects {
        closing = true
        held.removeAll()
        var effects = Effects()
        if owed.isEmpty {
            effects.close = "broker shutting down"
            effects.closeWhenWritten = true
        }
        return effects
    }

    /// The connection is gone: answers still owed or ready are dropped.
    mutating func connectionClosed() -> Effects {
        closing = true
        closed = true
        held.removeAll()
        var effects = Effects()
        while let head = owed.first {
            retireHead()
            if case .done(.some(let frame)) = head.slot { effects.discard.append(frame) }
        }
        return effects
    }

    /// The timer set for `nextDeadline` fired.
    mutating func timerFired(now: NIODeadline) -> Effects {
        var effects = Effects()
        guard !closed else { return effects }
        if let timeout = limits.requestReadTimeout, let since = partialSince {
            if !mayRead {
                // The client cannot send while we do not read: its clock starts again when we do.
                partialSince = now
            } else if now - since >= timeout {
                effects.close = "request not complete within socket.request.read.timeout.ms"
                closing = true
                return effects
            }
        }
        if let timeout = limits.idleTimeout, now - lastActivity >= timeout {
            effects.close = "idle for connections.max.idle.ms"
            closing = true
        }
        return effects
    }

    /// When `timerFired` must next be called; nil when no timeout applies.
    var nextDeadline: NIODeadline? {
        guard !closed else { return nil }
        // Asked after every event: no array, no allocation.
        var next: NIODeadline?
        if let timeout = limits.requestReadTimeout, let since = partialSince { next = since + timeout }
        if let timeout = limits.idleTimeout {
            let idle = lastActivity + timeout
            next = next.map { min($0, idle) } ?? idle
        }
        return next
    }

    // MARK: Helpers

    private mutating func begin(_ frame: ByteBuffer) -> (id: UInt64, frame: ByteBuffer) {
        let id = nextId
        nextId &+= 1
        owed.append((id, frame.readableBytes, .waiting))
        inFlightBytes += frame.readableBytes
        return (id, frame)
    }

    private mutating func retireHead() {
        let head = owed.removeFirst()
        inFlightBytes -= head.bytes
    }

    private mutating func startHeld(into effects: inout Effects) {
        while !closing, mayStart, let frame = held.popFirst() {
            effects.start.append(begin(frame))
        }
    }

    /// Resumes a withheld read if reading is allowed again, or closes a shutting-down connection
    /// that owes nothing more.
    private mutating func finish(_ effects: inout Effects, now: NIODeadline) {
        if closing {
            if owed.isEmpty && !closed && effects.close == nil {
                effects.close = "broker shutting down"
                effects.closeWhenWritten = true
            }
            return
        }
        if readWanted && mayRead {
            readWanted = false
            effects.read = true
        }
        noteMute(now: now)
    }

    /// While the broker does not read, a client cannot finish its request: the request's clock
    /// starts again when reading resumes.
    private mutating func noteMute(now: NIODeadline) {
        let nowMuted = !mayRead
        if muted && !nowMuted && partialSince != nil { partialSince = now }
        muted = nowMuted
    }
}
