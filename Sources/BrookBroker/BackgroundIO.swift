import Dispatch
import NIOCore

/// Disk work that no request waits for: write-back kicks and the flush of a rolled segment. It runs
/// on its own serial queue rather than the thread pool, so an acks=all fsync never queues behind it:
/// under a flood of acks=1 writes, kicks that block on a congested device and the fsync of a whole
/// rolled segment took the pool's two threads for seconds.
enum BackgroundIO {
    private static let queue = DispatchQueue(label: "brook.background-io", qos: .utility)

    /// Runs `work` on the background queue; the future completes on `loop`.
    static func run<T: Sendable>(on loop: EventLoop, _ work: @escaping @Sendable () throws -> T) -> EventLoopFuture<T> {
        let promise = loop.makePromise(of: T.self)
        queue.async { promise.completeWith(Result { try work() }) }
        return promise.futureResult
    }
}
