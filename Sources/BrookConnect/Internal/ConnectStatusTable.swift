import BrookSchemas

/// Connector, task and topic statuses as replayed from `connect-status`, with
/// `KafkaStatusBackingStore`'s one read rule: an UNASSIGNED task status does not replace a RUNNING
/// one of the same or a later generation (a worker that missed the rebalance wrote it late).
public struct ConnectStatusTable: Sendable, Equatable {
    public private(set) var connectors: [String: ConnectStatus] = [:]
    public private(set) var tasks: [ConnectTaskID: ConnectStatus] = [:]
    /// connector → topic → when a task first used it.
    public private(set) var topics: [String: [String: ConnectTopicStatus]] = [:]

    public init() {}

    public mutating func apply(_ record: ConnectStatusRecord) {
        switch record {
        case let .connector(name, status):
            connectors[name] = status
        case let .task(connector, task, status):
            let id = ConnectTaskID(connector: connector, task: task)
            if let status, status.state == .unassigned, let current = tasks[id], current.state == .running,
               current.generation >= status.generation {
                return
            }
            tasks[id] = status
        case let .topic(topic, connector, status):
            topics[connector, default: [:]][topic] = status
            if topics[connector]?.isEmpty == true { topics[connector] = nil }
        }
    }
}

/// Source offsets as replayed from `connect-offsets`: per connector, the latest offset of each
/// source partition; a tombstone removes the partition.
public struct ConnectOffsetTable: Sendable, Equatable {
    public private(set) var offsets: [String: [JSONValue: JSONValue]] = [:]

    public init() {}

    public mutating func apply(_ record: ConnectOffsetRecord) {
        offsets[record.connector, default: [:]][record.partition] = record.offset
        if offsets[record.connector]?.isEmpty == true { offsets[record.connector] = nil }
    }

    /// The offset of one source partition.
    public func offset(connector: String, partition: JSONValue) -> JSONValue? {
        offsets[connector]?[partition]
    }
}
