/// The connectors' configuration as replayed from `connect-configs`, applying records the way
/// Kafka 3.9's `KafkaConfigBackingStore` does: task configs wait for their `commit-<n>` record and
/// are applied only if the commit's tasks `0..<N` are all present (compaction can remove some,
/// leaving the connector *inconsistent* until its tasks are rewritten); a connector without a
/// target state is STARTED; a deleted connector loses its config, tasks and pending task configs.
public struct ConnectConfigState: Sendable, Equatable {
    public private(set) var connectorConfigs: [String: [ConnectProperty]] = [:]
    public private(set) var targetStates: [String: ConnectTargetState] = [:]
    /// Task counts from the latest applied `commit-<n>` records.
    public private(set) var taskCounts: [String: Int32] = [:]
    public private(set) var taskConfigs: [ConnectTaskID: [ConnectProperty]] = [:]
    /// Connectors whose latest commit could not be applied.
    public private(set) var inconsistent: Set<String> = []
    /// `tasks-fencing-<n>` records (exactly-once sources).
    public private(set) var fencedTaskCounts: [String: Int32] = [:]
    public private(set) var sessionKey: (key: String, algorithm: String, creationTimestamp: Int64)?
    public private(set) var loggerLevels: [String: String] = [:]
    private var deferred: [String: [Int32: [ConnectProperty]]] = [:]

    public init() {}

    /// Applies one record. Restart requests change no state; they are returned for the herder.
    @discardableResult
    public mutating func apply(_ record: ConnectConfigRecord) -> (connector: String, includeTasks: Bool, onlyFailed: Bool)? {
        switch record {
        case let .targetState(connector, state):
            if let state {
                targetStates[connector] = state
            } else {
                targetStates[connector] = connectorConfigs[connector] == nil ? nil : .started
            }
        case let .connectorConfig(connector, properties):
            if let properties {
                connectorConfigs[connector] = properties
                if targetStates[connector] == nil { targetStates[connector] = .started }
            } else {
                remove(connector)
            }
        case let .taskConfig(connector, task, properties):
            deferred[connector, default: [:]][task] = properties
        case let .tasksCommit(connector, tasks):
            guard connectorConfigs[connector] != nil else {
                // Deleted before its tasks were committed, and compaction removed the rest.
                remove(connector)
                return nil
            }
            let pending = deferred[connector] ?? [:]
            // Only 0..<tasks must be present: compaction may leave extra, older task configs.
            if (0..<max(tasks, 0)).allSatisfy({ pending[$0] != nil }) {
                for (task, properties) in pending { taskConfigs[ConnectTaskID(connector: connector, task: task)] = properties }
                inconsistent.remove(connector)
            } else {
                inconsistent.insert(connector)
            }
            deferred[connector] = nil
            taskCounts[connector] = tasks
        case let .restartRequest(connector, includeTasks, onlyFailed):
            return (connector, includeTasks, onlyFailed)
        case let .taskCount(connector, count):
            fencedTaskCounts[connector] = count
        case let .sessionKey(key, algorithm, created):
            sessionKey = (key, algorithm, created)
        case let .loggerLevel(namespace, level):
            loggerLevels[namespace] = level
        }
        return nil
    }

    /// The connector's tasks (`ClusterConfigState.tasks`): none while it is inconsistent.
    public func tasks(of connector: String) -> [ConnectTaskID] {
        guard !inconsistent.contains(connector), let count = taskCounts[connector], count > 0 else { return [] }
        return (0..<count).map { ConnectTaskID(connector: connector, task: $0) }
    }

    private mutating func remove(_ connector: String) {
        connectorConfigs[connector] = nil
        taskCounts[connector] = nil
        taskConfigs = taskConfigs.filter { $0.key.connector != connector }
        deferred[connector] = nil
    }

    public static func == (a: ConnectConfigState, b: ConnectConfigState) -> Bool {
        a.connectorConfigs == b.connectorConfigs && a.targetStates == b.targetStates && a.taskCounts == b.taskCounts
            && a.taskConfigs == b.taskConfigs && a.inconsistent == b.inconsistent && a.fencedTaskCounts == b.fencedTaskCounts
            && a.sessionKey?.key == b.sessionKey?.key && a.sessionKey?.algorithm == b.sessionKey?.algorithm
            && a.sessionKey?.creationTimestamp == b.sessionKey?.creationTimestamp && a.loggerLevels == b.loggerLevels
            && a.deferred == b.deferred
    }
}
