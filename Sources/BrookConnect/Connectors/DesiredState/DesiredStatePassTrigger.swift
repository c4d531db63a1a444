/// When the desired-state source task runs a pass (sans-IO): a full pass first, one over just the
/// changed files as soon as the watcher reports changes, and a full pass every `poll.interval.ms`
/// (which also catches changes the watcher missed). After a failed pass the next one is full: the
/// changed paths it was given are no longer known to be the only ones.
struct DesiredStatePassTrigger: Sendable {
    enum Decision: Sendable, Equatable {
        /// Every input file.
        case full
        /// Only these paths (relative to the glob's root).
        case changed(Set<String>)
        /// Nothing to do yet: wait at most this long.
        case wait(Duration)
    }

    let interval: Duration
    /// The longest a poll waits before returning nothing.
    static let maximumWait: Duration = .seconds(1)
    private var lastFullPass: ContinuousClock.Instant?
    private var changed = Set<String>()
    private var needsFull = true

    init(interval: Duration) {
        self.interval = interval
    }

    mutating func filesChanged(_ paths: Set<String>) {
        changed.formUnion(paths)
    }

    func decide(now: ContinuousClock.Instant) -> Decision {
        if needsFull { return .full }
        if let lastFullPass, now - lastFullPass >= interval { return .full }
        if !changed.isEmpty { return .changed(changed) }
        let due = (lastFullPass ?? now) + interval
        return .wait(min(due - now, Self.maximumWait))
    }

    /// The pass `decision` asked for succeeded; `startedAt`: when it began. Changes reported while
    /// it ran are handed in after this call, so a full pass clears only those it covered.
    mutating func passed(_ decision: Decision, startedAt: ContinuousClock.Instant) {
        switch decision {
        case .full:
            needsFull = false
            lastFullPass = startedAt
            changed.removeAll()
        case .changed(let paths):
            changed.subtract(paths)
        case .wait:
            break
        }
    }

    mutating func passFailed() {
        needsFull = true
    }
}
