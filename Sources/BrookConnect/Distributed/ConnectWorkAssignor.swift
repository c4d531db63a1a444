/// The leader's assignment of connectors and tasks over the workers of the group (Kafka's eager
/// protocol, `EagerAssignor`): workers in member-id order, connectors dealt round-robin, then
/// tasks dealt round-robin continuing where the connectors stopped, so work spreads evenly and the
/// same inputs always give the same plan.
public enum ConnectWorkAssignor {
    /// One worker of the group as the coordinator reports it.
    public struct Member: Sendable, Equatable {
        public var memberID: String
        public var state: ConnectProtocol.WorkerState

        public init(memberID: String, state: ConnectProtocol.WorkerState) {
            self.memberID = memberID
            self.state = state
        }
    }

    /// `connectors`: every connector to run; `tasks`: every task to run. `configOffset`: how far the
    /// leader has read `connect-configs` (workers read at least that far before starting work).
    public static func assign(members: [Member], leaderID: String, configOffset: Int64, connectors: [String],
                              tasks: [ConnectTaskID]) -> [String: ConnectProtocol.Assignment] {
        let ordered = members.sorted { $0.memberID < $1.memberID }
        guard !ordered.isEmpty else { return [:] }
        let leaderURL = members.first { $0.memberID == leaderID }?.state.url ?? ""
        var connectorsOf: [String: [String]] = [:]
        var tasksOf: [String: [ConnectTaskID]] = [:]
        var next = 0
        for connector in connectors.sorted() {
            connectorsOf[ordered[next % ordered.count].memberID, default: []].append(connector)
            next += 1
        }
        for task in tasks.sorted() {
            tasksOf[ordered[next % ordered.count].memberID, default: []].append(task)
            next += 1
        }
        var out: [String: ConnectProtocol.Assignment] = [:]
        for member in ordered {
            out[member.memberID] = ConnectProtocol.Assignment(
                leader: leaderID, leaderURL: leaderURL, configOffset: configOffset,
                connectors: connectorsOf[member.memberID] ?? [], tasks: tasksOf[member.memberID] ?? [])
        }
        return out
    }
}
