import BrookClient

/// A task loop that runs its record stages under the connector's error handling: retries with
/// back-off, then tolerance; final failures go to the reporters (log, dead letter queue).
protocol ErrorHandlingLoop: Actor {
    var taskID: ConnectTaskID { get }
    var tolerance: RetryWithTolerance { get set }
    var reporter: ErrorReporter { get }
    var startedAt: ContinuousClock.Instant { get }
}

extension ErrorHandlingLoop {
    /// Milliseconds since the loop began: the clock the sans-IO core is given.
    var nowMs: Int64 {
        let elapsed = ContinuousClock.now - startedAt
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// Runs `operation` for a record at `stage`. Nil: the record failed and is skipped (tolerance
    /// all). Throws `ConnectTaskFailure` when the failure is not tolerated, and CancellationError
    /// when the task stops during a back-off.
    func execute<T: Sendable>(_ stage: ConnectErrorStage, _ executingClass: String, original: @autoclosure () -> ConnectErrorContext.Original,
                              _ operation: () async throws -> T) async throws -> T? {
        let started = nowMs
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await operation()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let decision = tolerance.attemptFailed(stage: stage, retriable: Self.isRetriable(error), attempt: attempt,
                                                       startedAtMs: started, nowMs: nowMs, random: { Int64.random(in: 0..<max(1, $0)) })
                switch decision {
                case .retry(let delay):
                    try await Task.sleep(for: .milliseconds(delay))
                case .skip:
                    await reporter.report(ConnectErrorContext(task: taskID, stage: stage, executingClass: executingClass, error: error, original: original()))
                    return nil
                case .fail(let message):
                    await reporter.report(ConnectErrorContext(task: taskID, stage: stage, executingClass: executingClass, error: error, original: original()))
                    throw ConnectTaskFailure(message, stage: stage, cause: error)
                }
            }
        }
    }

    /// A failure with nothing to retry (Kafka's `executeFailed`): reported, then skipped or fatal.
    func failed(_ stage: ConnectErrorStage, _ executingClass: String, error: any Error, original: ConnectErrorContext.Original) async throws {
        let decision = tolerance.failedOutright()
        await reporter.report(ConnectErrorContext(task: taskID, stage: stage, executingClass: executingClass, error: error, original: original))
        if case .fail(let message) = decision { throw ConnectTaskFailure(message, stage: stage, cause: error) }
    }

    static func isRetriable(_ error: any Error) -> Bool {
        error is RetriableConnectError || (error as? KafkaClientError)?.isRetriable == true
    }
}

extension TransformationChain.Stage {
    /// The transformation's class for error reports (`transforms.<alias>.type` as configured).
    func className(in config: [String: String]) -> String {
        config["transforms.\(alias).type"]?.trimmingASCIISpaces ?? alias
    }
}
