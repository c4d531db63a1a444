import BrookProtocol
import NIOCore

/// A Fetch that found fewer than `min_bytes` and waits, up to `max_wait_ms`, for appends.
///
/// Partitions call `dataArrived()` from their own loops; the fetch re-runs its read on the
/// connection's loop and completes once it has enough bytes or the wait times out. It completes
/// exactly once, and deregisters from every partition it watched.
final class DelayedFetch: @unchecked Sendable {
    private let loop: EventLoop
    private let partitions: [Partition]
    private let attempt: @Sendable () -> EventLoopFuture<(satisfied: Bool, response: FetchResponse)>
    private let promise: EventLoopPromise<FetchResponse>
    // Touched only on `loop`.
    private var completed = false
    private var attemptInFlight = false
    private var rerunRequested = false
    private var timeout: Scheduled<Void>?

    init(loop: EventLoop, partitions: [Partition], maxWait: TimeAmount,
         attempt: @escaping @Sendable () -> EventLoopFuture<(satisfied: Bool, response: FetchResponse)>) {
        self.loop = loop
        self.partitions = partitions
        self.attempt = attempt
        self.promise = loop.makePromise()
        loop.execute {
            self.timeout = loop.scheduleTask(in: maxWait) { self.expire() }
            self.register()
        }
    }

    var futureResult: EventLoopFuture<FetchResponse> { promise.futureResult }

    private func register() {
        for partition in partitions { partition.addFetchWaiter(self) }
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
            guard !self.completed else { return }
            switch result {
            case .success(let (satisfied, response)):
                if satisfied || final || self.finalRequested {
                    self.finish(.success(response))
                } else if self.rerunRequested {
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

    private func finish(_ result: Result<FetchResponse, Error>) {
        completed = true
        timeout?.cancel()
        for partition in partitions { partition.removeFetchWaiter(self) }
        promise.completeWith(result)
    }
}
