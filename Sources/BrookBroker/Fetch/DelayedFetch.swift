import BrookProtocol
import NIOCore

/// A Fetch that found fewer than `min_bytes` and waits, up to `max_wait_ms`, for appends.
///
/// Partitions call `dataArrived()` from their own loops; the fetch re-runs its read on the
/// connection's loop and completes once it has enough bytes or the wait times out. It completes
/// exactly once, and deregisters from every partition it watched.
final class DelayedFetch: @unchecked Sendable {
    private let loop: EventLoop
    private let partitions: [Watched]
    /// The high watermark each partition had when the fetch last read it.
    private var observed: [Int64]
    private let attempt: @Sendable () -> EventLoopFuture<FetchResult>
    private let promise: EventLoopPromise<FetchResult>
    // Touched only on `loop`.
    private var completed = false
    private var attemptInFlight = false
    private var rerunRequested = false
    private var timeout: Scheduled<Void>?

    /// A partition the fetch waits on, named as in the response.
    struct Watched {
        let partition: Partition
        let topic: String
        let index: Int32
    }

    init(loop: EventLoop, partitions: [Watched], initial: FetchResult, maxWait: TimeAmount,
         attempt: @escaping @Sendable () -> EventLoopFuture<FetchResult>) {
        self.loop = loop
        self.partitions = partitions
        self.attempt = attempt
        self.promise = loop.makePromise()
        self.observed = partitions.map { _ in -1 }
        record(initial)
        loop.execute {
            self.timeout = loop.scheduleTask(in: maxWait) { self.expire() }
            self.register()
        }
    }

    var futureResult: EventLoopFuture<FetchResult> { promise.futureResult }

    private func record(_ result: FetchResult) {
        let response = result.response
        for (i, w) in partitions.enumerated() {
            let data = response.responses.first { $0.topic == w.topic }?.partitions.first { $0.partitionIndex == w.index }
            observed[i] = data?.highWatermark ?? -1
        }
    }

    /// Registers with every partition; one whose high watermark moved since our read wakes us at once,
    /// so an append landing between the read and the registration is never missed.
    private func register() {
        for (i, w) in partitions.enumerated() { w.partition.addFetchWaiter(self, observedHighWatermark: observed[i]) }
    }

    /// Called by a partition (on its own loop) after an append.
    func dataArrived() {
        loop.execute { self.rerun(final: false) }
    }

    private func expire() {
        rerun(final: true)
    }

    private func rerun(final: Bool) {
        loop.preconditionInEventLoop()
        guard !completed else { return }
        if attemptInFlight {
            rerunRequested = rerunRequested || !final
            if final { finalRequested = true }
            return
        }
        attemptInFlight = true
        attempt().whenComplete { result in
            self.attemptInFlight = false
            guard !self.completed else {
                if case .success(let r) = result { r.closeFiles() }
                return
            }
            switch result {
            case .success(let result):
                self.record(result)
                if result.satisfied || final || self.finalRequested {
                    self.finish(.success(result))
                    return
                }
                result.closeFiles()
                if self.rerunRequested {
                    self.rerunRequested = false
                    self.rerun(final: false)
                } else {
                    self.register()
                }
            case .failure(let error):
                self.finish(.failure(error))
            }
        }
    }

    private var finalRequested = false

    private func finish(_ result: Result<FetchResult, Error>) {
        completed = true
        timeout?.cancel()
        for w in partitions { w.partition.removeFetchWaiter(self) }
        promise.completeWith(result)
    }
}
