/// What to do after an operation of a task failed (Kafka's `RetryWithToleranceOperator`, as a
/// value): retry retriable errors with exponential back-off until `errors.retry.timeout`, then
/// apply `errors.tolerance` (none fails the task, all skips the record and counts it). Sans-IO:
/// the caller passes the clock and the jitter and performs the decision (sleep, report, fail).
public struct RetryWithTolerance: Sendable {
    /// Kafka's RETRIES_DELAY_MIN_MS: the first back-off.
    public static let minimumDelayMs: Int64 = 300
    /// Kafka's message when `errors.tolerance=none` meets a failure.
    public static let toleranceExceeded = "Tolerance exceeded in error handler"
    /// Kafka's message for an error a stage never tolerates (a non-retriable error from the task or producer).
    public static let unhandled = "Unhandled exception in error handler"

    /// The outcome for one failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Try the same operation again after this many milliseconds.
        case retry(afterMs: Int64)
        /// Report the failure and drop the record; the task carries on.
        case skip
        /// Report the failure and fail the task with this message.
        case fail(String)

        /// Whether the failure is final for the record (reported to the log and dead letter queue).
        public var isFinal: Bool {
            if case .retry = self { return false }
            return true
        }
    }

    public let config: ErrorHandlingConfig
    /// Failures so far (Kafka's totalFailures): with tolerance none the first one fails the task.
    public private(set) var totalFailures: Int64 = 0
    /// Records dropped because of a tolerated failure.
    public private(set) var skipped: Int64 = 0

    public init(config: ErrorHandlingConfig) {
        self.config = config
    }

    /// Attempt number `attempt` (1 for the first) of an operation at `stage`, begun at
    /// `startedAtMs`, failed at `nowMs`. `random(bound)` returns a uniform number in 0..<bound for
    /// the back-off's jitter.
    ///
    /// A retriable error is retried while `errors.retry.timeout` allows (then it counts as a failure
    /// like any other: Kafka's operator skips the record there even with tolerance none, which this
    /// does not copy: none means the task stops at the first record it cannot handle).
    public mutating func attemptFailed(stage: ConnectErrorStage, retriable: Bool, attempt: Int, startedAtMs: Int64, nowMs: Int64,
                                       random: (Int64) -> Int64) -> Decision {
        if retriable {
            let deadline = config.retryTimeoutMs >= 0 ? startedAtMs &+ config.retryTimeoutMs : Int64.max
            if nowMs < deadline {
                return .retry(afterMs: backoff(attempt: attempt, deadline: deadline, nowMs: nowMs, random: random))
            }
        } else if !stage.toleratesAnyError {
            totalFailures += 1
            return .fail(Self.unhandled)
        }
        return failedOutright()
    }

    /// A failure reported without an operation to retry (Kafka's `executeFailed`): a producer
    /// callback's error with tolerance all, or a record a sink task reports as errant.
    public mutating func failedOutright() -> Decision {
        totalFailures += 1
        guard withinToleranceLimits else { return .fail(Self.toleranceExceeded) }
        skipped += 1
        return .skip
    }

    /// Whether the failures so far are tolerated.
    public var withinToleranceLimits: Bool {
        config.tolerance == .all || totalFailures == 0
    }

    /// RetryWithToleranceOperator.backoff: 300 ms doubled per attempt; past the cap a random delay
    /// below it; never past the deadline.
    func backoff(attempt: Int, deadline: Int64, nowMs: Int64, random: (Int64) -> Int64) -> Int64 {
        let shift = min(max(attempt - 1, 0), 40)
        var delay = Self.minimumDelayMs << Int64(shift)
        if delay > config.retryDelayMaxMs {
            delay = random(config.retryDelayMaxMs)
        }
        if deadline != Int64.max, delay > deadline &- nowMs {
            delay = max(0, deadline &- nowMs)
        }
        return delay
    }
}
