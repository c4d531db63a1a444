import Logging

/// Exponential backoff between retries: `initial`, doubled per attempt up to `maximum`, with ±20%
/// jitter so clients that failed together do not retry together.
struct Backoff: Sendable {
    var initial: Duration
    var maximum: Duration

    func delay(attempt: Int) -> Duration {
        let base = Double(initial.nanoseconds) * pow2(min(attempt, 20))
        let capped = min(base, Double(maximum.nanoseconds))
        let jittered = capped * Double.random(in: 0.8...1.2)
        return .nanoseconds(Int64(max(0, jittered)))
    }

    private func pow2(_ exponent: Int) -> Double {
        var value = 1.0
        for _ in 0..<exponent { value *= 2 }
        return value
    }
}

/// Runs `operation` until it succeeds, fails with a non-retriable error, or `timeout` is spent;
/// sleeps with backoff between attempts. Cancellation ends the sleep and the loop.
func withRetries<T: Sendable>(
    _ what: String, timeout: Duration, backoff: Backoff, logger: Logger,
    isolation: isolated (any Actor)? = #isolation,
    beforeRetry: @Sendable (Error) async -> Void = { _ in },
    _ operation: () async throws -> T
) async throws -> T {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var attempt = 0
    while true {
        do {
            return try await operation()
        } catch {
            try Task.checkCancellation()
            let retriable = (error as? KafkaClientError)?.isRetriable ?? false
            let delay = backoff.delay(attempt: attempt)
            guard retriable, clock.now.advanced(by: delay) < deadline else { throw error }
            attempt += 1
            logger.debug("retrying \(what)", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            await beforeRetry(error)
            try await Task.sleep(for: delay)
        }
    }
}
