extension ReconcilePlan {
    /// The state records to write before the actions when producing without a transaction:
    /// every intent plus the marker of pass `number` as started. A crash after these leaves the
    /// affected keys uncertain.
    public func intentRecords(pass number: UInt64) -> [DesiredStateRecord] {
        intents.map(DesiredStateCodec.record(for:))
            + [DesiredStateCodec.record(for: PassMarker(number: number, completed: false, actions: UInt64(actions.count)))]
    }

    /// The state records that commit pass `number`: the final tracking records and the completed
    /// marker. With a transactional producer these go in the same transaction as the actions and
    /// no intents are needed.
    public func commitRecords(pass number: UInt64) -> [DesiredStateRecord] {
        commits.map(DesiredStateCodec.record(for:))
            + [DesiredStateCodec.record(for: PassMarker(number: number, completed: true, actions: UInt64(actions.count)))]
    }
}
