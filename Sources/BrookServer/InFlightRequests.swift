import NIOConcurrencyHelpers
import NIOCore

/// Counts requests being handled across all connections, so shutdown can wait for them to finish.
final class InFlightRequests: Sendable {
    private let state = NIOLockedValueBox<(count: Int, waiters: [EventLoopPromise<Void>])>((0, []))

    func started() {
        state.withLockedValue { $0.count += 1 }
    }

    func finished() {
        let ready: [EventLoopPromise<Void>] = state.withLockedValue { s in
            s.count -= 1
            guard s.count == 0 else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        ready.forEach { $0.succeed(()) }
    }

    /// Completes once no request is in flight.
    func drained(on loop: EventLoop) -> EventLoopFuture<Void> {
        let promise = loop.makePromise(of: Void.self)
        let idle = state.withLockedValue { s -> Bool in
            if s.count == 0 { return true }
            s.waiters.append(promise)
            return false
        }
        if idle { promise.succeed(()) }
        return promise.futureResult
    }
}
