import NIOConcurrencyHelpers

/// Runs `operation` for at most `limit`: its result, or `DeadlineExceeded` (the operation is then
/// cancelled and left to finish on its own — never awaited, unlike a task group's child). The
/// herder bounds every call that waits on another broker or on a task with it, so a dead
/// coordinator or a slow task never stalls the membership loop past the session timeout, nor a
/// shutdown past its budget. A cancelled caller gets `CancellationError` at once, unless
/// `evenWhenCancelled` (clean-up at shutdown, which still gets its time).
func withDeadline<T: Sendable>(_ limit: Duration, _ what: String, evenWhenCancelled: Bool = false,
                               _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    let work = Task { try await operation() }
    let outcome = FirstOutcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.install(continuation)
            Task { outcome.finish(await work.result) }
            Task {
                try? await Task.sleep(for: limit)
                if outcome.finish(.failure(DeadlineExceeded(what: what, limit: limit))) { work.cancel() }
            }
        }
    } onCancel: {
        guard !evenWhenCancelled else { return }
        work.cancel()
        outcome.finish(.failure(CancellationError()))
    }
}

/// The first of several racing outcomes, handed to one continuation once.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
    }

    private let state = NIOLockedValueBox(State())

    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLockedValue { state in
            if let early = state.early { return early }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// True when this outcome was the first.
    @discardableResult
    func finish(_ result: Result<T, any Error>) -> Bool {
        let (first, continuation): (Bool, CheckedContinuation<T, any Error>?) = state.withLockedValue { state in
            guard !state.done else { return (false, nil) }
            state.done = true
            if let continuation = state.continuation {
                state.continuation = nil
                return (true, continuation)
            }
            state.early = result
            return (true, nil)
        }
        continuation?.resume(with: result)
        return first
    }
}

/// A bounded call did not finish in time.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var what: String
    var limit: Duration
    var description: String { "\(what) did not finish within \(limit)" }
}
