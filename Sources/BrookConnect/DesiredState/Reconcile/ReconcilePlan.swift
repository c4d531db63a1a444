/// The outcome of a pass: the records to produce and the tracking updates that describe them.
///
/// The runtime either writes `actions` and `commits` in one transaction (exactly-once: a crash
/// leaves the old state and the old topic), or, without transactions, writes `intents` first, then
/// `actions`, then `commits`; a crash in between leaves pending records whose sets of possible
/// values make the next pass re-emit.
public struct ReconcilePlan: Sendable, Equatable {
    /// Records for the target topic: upserts in declaration order, then deletes ordered by source and key.
    public var actions: [DesiredStateAction]
    /// Pending tracking records (one per action), for the non-transactional protocol.
    public var intents: [TrackingUpdate]
    /// The tracking records to write once the actions are durable.
    public var commits: [TrackingUpdate]
    /// Keys declared with the value the topic certainly holds already.
    public var unchanged: Int

    public init(actions: [DesiredStateAction] = [], intents: [TrackingUpdate] = [], commits: [TrackingUpdate] = [], unchanged: Int = 0) {
        self.actions = actions
        self.intents = intents
        self.commits = commits
        self.unchanged = unchanged
    }
}
