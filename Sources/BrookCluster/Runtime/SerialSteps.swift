/// Lets an actor's steps run one at a time although each awaits etcd in between (an actor alone
/// would interleave them at every `await`). Owned and used only by its actor.
final class SerialSteps {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Returns when no other step runs; the caller must `leave()` when done.
    func enter(isolation: isolated (any Actor)? = #isolation) async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the turn to the next waiting step (it stays busy), or frees it.
    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
