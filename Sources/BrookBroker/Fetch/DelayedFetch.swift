import BrookProtocol
import NIOCore

/// A Fetch that found fewer than `min_bytes` and waits, up to `max_wait_ms`, for appends: the I/O
/// shell around `DelayedFetchState`.
///
/// Partitions call `dataArrived()` from their own loops; everything else runs on the connection's
/// loop. The fetch stops at once, answering with no records, when its connection closes or the broker
/// shuts down, so neither a gone client nor SIGTERM waits for a `max_wait_ms` of up to 2^31-1 ms.
final class DelayedFetch: @unchecked Sendable {
    private let loop: EventLoop
    private let partitions: [Partition]
    private let attempt: @Sendable () -> EventLoopFuture<FetchResult>
    /// A follower broker's fetch: it waits for our log end to move, not the high watermark.
    private let fromReplica: Bool
    private let promise: EventLoopPromise<FetchResult>
    // Touched only on `loop`.
    private var state: DelayedFetchState
    private var timeout: Scheduled<Void>?
    private var signalHooks: [(signal: CloseSignal, key: Int)] = []

    /// A partition the fetch waits on, named as in the response.
    struct Watched {
        let partition: Partition
        let topic: String
        let index: Int32
    }

    /// `stopSignals`: the client's connection and the broker's shutdown; either closing answers the fetch.
    init(loop: EventLoop, partitions: [Watched], initial: FetchResult, maxWait: TimeAmount,
         stopSignals: [CloseSignal], fromReplica: Bool = false,
         attempt: @escaping @Sendable () -> EventLoopFuture<FetchResult>) {
        self.loop = loop
        self.partitions = partitions.map(\.partition)
        self.attempt = attempt
        self.fromReplica = fromReplica
        self.promise = loop.makePromise()
        self.state = DelayedFetchState(watched: partitions.map { ($0.topic, $0.index) }, initial: initial,
                                       watchesLogEnd: fromReplica)
        loop.execute {
            for signal in stopSignals {
                guard let key = signal.onClose({ self.loop.execute { self.perform(self.state.abandon()) } }) else {
                    self.perform(self.state.abandon())
                    return
                }
                self.signalHooks.append((signal, key))
            }
            self.timeout = loop.scheduleTask(in: maxWait) { self.perform(self.state.timedOut()) }
            self.perform(self.state.start())
        }
    }

    var futureResult: EventLoopFuture<FetchResult> { promise.futureResult }

    /// Called by a partition (on its own loop) after an append.
    func dataArrived() {
        loop.execute { self.perform(self.state.dataArrived()) }
    }

    private func perform(_ actions: [DelayedFetchState.Action]) {
        loop.preconditionInEventLoop()
        for action in actions {
            switch action {
            case .runAttempt:
                attempt().hop(to: loop).whenComplete { outcome in
                    self.perform(self.state.attemptFinished(outcome))
                }
            case .register(let observed):
                // A partition whose high watermark (log end, for a follower) moved since our read
                // wakes us at once, so an append landing between the read and the registration is
                // never missed.
                for (partition, offset) in zip(partitions, observed) {
                    if fromReplica {
                        partition.addReplicaFetchWaiter(self, observedLogEnd: offset)
                    } else {
                        partition.addFetchWaiter(self, observedHighWatermark: offset)
                    }
                }
            case .discard(let result):
                result.closeFiles()
            case .complete(let result):
                timeout?.cancel()
                timeout = nil
                for partition in partitions { partition.removeFetchWaiter(self) }
                for hook in signalHooks { hook.signal.removeHook(hook.key) }
                signalHooks = []
                promise.completeWith(result)
            }
        }
    }
}
