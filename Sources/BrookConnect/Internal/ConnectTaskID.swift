/// A task of a connector (`ConnectorTaskId`): the connector's name and the task's number.
public struct ConnectTaskID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var connector: String
    public var task: Int32

    public init(connector: String, task: Int32) {
        self.connector = connector
        self.task = task
    }

    public static func < (a: ConnectTaskID, b: ConnectTaskID) -> Bool {
        (a.connector, a.task) < (b.connector, b.task)
    }

    /// `<connector>-<task>`, as Connect logs and keys it.
    public var description: String { "\(connector)-\(task)" }
}
