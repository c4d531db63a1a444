/// A connector's target state in `connect-configs` (`org.apache.kafka.connect.runtime.TargetState`).
public enum ConnectTargetState: String, Sendable, Hashable, CaseIterable {
    case started = "STARTED"
    case paused = "PAUSED"
    case stopped = "STOPPED"
}

/// A connector's or task's state in `connect-status` and the REST status body
/// (`AbstractStatus.State`); `DESTROYED` is written when a connector is deleted but never shown.
public enum ConnectStatusState: String, Sendable, Hashable, CaseIterable {
    case unassigned = "UNASSIGNED"
    case running = "RUNNING"
    case paused = "PAUSED"
    case failed = "FAILED"
    case destroyed = "DESTROYED"
    case restarting = "RESTARTING"
    case stopped = "STOPPED"
}
