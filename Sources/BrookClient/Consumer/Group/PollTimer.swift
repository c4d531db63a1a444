/// `max.poll.interval.ms`: how long a group member may go without the application calling `poll`
/// before it gives up its partitions, as Kafka's consumer does, so a stalled process does not hold
/// them while its heartbeats keep the session alive. Time starts at the end of each poll (a poll in
/// progress never counts as stalled). Readings of the clock come in as arguments.
struct PollTimer: Equatable {
    let interval: Duration
    private var lastPoll: ContinuousClock.Instant?
    private var polling = 0

    init(interval: Duration) {
        self.interval = interval
    }

    /// A poll started.
    mutating func pollStarted() {
        polling += 1
    }

    /// A poll returned at `now`: the interval starts again.
    mutating func pollEnded(at now: ContinuousClock.Instant) {
        polling = max(0, polling - 1)
        lastPoll = now
    }

    /// Whether the application has not polled for longer than the interval.
    func hasExpired(at now: ContinuousClock.Instant) -> Bool {
        guard let deadline else { return false }
        return now > deadline
    }

    /// When the interval runs out, unless a poll is in progress or none has happened yet.
    var deadline: ContinuousClock.Instant? {
        guard polling == 0, let lastPoll else { return nil }
        return lastPoll + interval
    }

    /// Forgets the last poll (after leaving the group: nothing to time until the next one).
    mutating func reset() {
        lastPoll = nil
    }
}
