import BrookProtocol
import NIOCore

/// The decisions of a Fetch parked until `min_bytes` arrive or `max_wait_ms` passes, without I/O:
/// when to read the partitions again, when to answer, and what to drop. `DelayedFetch` performs the
/// actions on the connection's event loop.
///
/// At most one read runs at a time; appends that land meanwhile ask for one more read after it. The
/// fetch answers exactly once: with a read that has enough bytes, with the read after the wait
/// expired, or at once with no records when it is abandoned (the connection closed, the broker
/// shuts down).
struct DelayedFetchState {
    enum Action {
        /// Read every watched partition again; report with `attemptFinished`.
        case runAttempt
        /// Wait for appends: wake when a partition's high watermark (a follower's fetch: log end)
        /// differs from the one given.
        case register(observedHighWatermarks: [Int64])
        /// Answer the request; stop watching, cancel the timer.
        case complete(Result<FetchResult, Error>)
        /// Release a read that will not be sent.
        case discard(FetchResult)
    }

    /// The partitions watched, named as in the response.
    let watched: [(topic: String, index: Int32)]
    /// The high watermark each watched partition had at the last read (-1: not in the response);
    /// for a follower's fetch its log end instead.
    private(set) var observed: [Int64]
    /// A follower's fetch: appends wake it, not the high watermark (which waits for the follower).
    let watchesLogEnd: Bool
    /// The last read's response without its records, the answer if the fetch is abandoned.
    private var lastResponse: FetchResponse
    private(set) var completed = false
    private var attemptInFlight = false
    private var attemptIsFinal = false
    private var rerunRequested = false
    private var finalRequested = false

    /// `initial`: the read that found too few bytes (its files are the caller's to release).
    init(watched: [(topic: String, index: Int32)], initial: FetchResult, watchesLogEnd: Bool = false) {
        self.watched = watched
        self.watchesLogEnd = watchesLogEnd
        self.observed = watched.map { _ in -1 }
        self.lastResponse = initial.response
        record(initial)
    }

    /// Starts waiting.
    func start() -> [Action] {
        [.register(observedHighWatermarks: observed)]
    }

    /// A watched partition appended.
    mutating func dataArrived() -> [Action] {
        rerun(final: false)
    }

    /// `max_wait_ms` passed: the next read is answered whatever it holds.
    mutating func timedOut() -> [Action] {
        rerun(final: true)
    }

    /// The read asked for by `.runAttempt` finished.
    mutating func attemptFinished(_ outcome: Result<FetchResult, Error>) -> [Action] {
        attemptInFlight = false
        let final = attemptIsFinal || finalRequested
        guard !completed else {
            if case .success(let result) = outcome { return [.discard(result)] }
            return []
        }
        switch outcome {
        case .failure(let error):
            completed = true
            return [.complete(.failure(error))]
        case .success(let result):
            record(result)
            if result.satisfied || final {
                completed = true
                return [.complete(.success(result))]
            }
            var actions: [Action] = [.discard(result)]
            if rerunRequested {
                rerunRequested = false
                actions += rerun(final: false)
            } else {
                actions.append(.register(observedHighWatermarks: observed))
            }
            return actions
        }
    }

    /// The connection closed or the broker is shutting down: answer now, with no records.
    mutating func abandon() -> [Action] {
        guard !completed else { return [] }
        completed = true
        return [.complete(.success(FetchResult(response: Self.withoutRecords(lastResponse), files: [], satisfied: true)))]
    }

    // MARK: Helpers

    private mutating func rerun(final: Bool) -> [Action] {
        guard !completed else { return [] }
        if attemptInFlight {
            if final { finalRequested = true } else { rerunRequested = true }
            return []
        }
        attemptInFlight = true
        attemptIsFinal = final
        return [.runAttempt]
    }

    private mutating func record(_ result: FetchResult) {
        lastResponse = result.response
        for (i, w) in watched.enumerated() {
            if watchesLogEnd {
                observed[i] = result.replicaLogEnds[w.topic]?[w.index] ?? -1
                continue
            }
            let data = result.response.responses.first { $0.topic == w.topic }?.partitions.first { $0.partitionIndex == w.index }
            observed[i] = data?.highWatermark ?? -1
        }
    }

    /// The response with every partition's records empty (file-backed records are nil until written).
    static func withoutRecords(_ response: FetchResponse) -> FetchResponse {
        var response = response
        for t in response.responses.indices {
            for p in response.responses[t].partitions.indices {
                response.responses[t].partitions[p].records = ByteBuffer()
            }
        }
        return response
    }
}
