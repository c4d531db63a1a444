import NIOConcurrencyHelpers

/// The wait a task's `poll()` makes when it has nothing to return (Connect's tasks sleep up to a
/// second): ends early when `wake()` is called — by `stop()`, so a stopping task is not held up,
/// or by an event that means there is work (a watched file changed). After `stop()` every wait
/// returns at once.
final class PollPause: Sendable {
    private struct State {
        var sleeper: Task<Void, Never>?
        var stopped = false
        /// A wake-up that came while nobody waited: the next wait returns at once.
        var woken = false
    }

    private let state = NIOLockedValueBox(State())

    var isStopped: Bool { state.withLockedValue { $0.stopped } }

    /// Waits `duration`, or less if woken or stopped.
    func wait(_ duration: Duration) async {
        let sleeper: Task<Void, Never>? = state.withLockedValue { state in
            if state.stopped || state.woken {
                state.woken = false
                return nil
            }
            let task = Task<Void, Never> { try? await Task.sleep(for: duration) }
            state.sleeper = task
            return task
        }
        guard let sleeper else { return }
        await withTaskCancellationHandler {
            await sleeper.value
        } onCancel: {
            sleeper.cancel()
        }
        state.withLockedValue { if $0.sleeper == sleeper { $0.sleeper = nil } }
    }

    /// Ends the current wait, or the next one if none is in progress.
    func wake() {
        state.withLockedValue { state in
            if let sleeper = state.sleeper {
                sleeper.cancel()
                state.sleeper = nil
            } else {
                state.woken = true
            }
        }
    }

    /// Ends the current wait and every later one.
    func stop() {
        state.withLockedValue { state in
            state.stopped = true
            state.sleeper?.cancel()
            state.sleeper = nil
        }
    }
}
