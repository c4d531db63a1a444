import BrookClient
import BrookSchemas

/// What a source task run by a worker may ask: its committed offsets, read from the offset store.
struct WorkerSourceTaskContext: SourceTaskContext {
    let taskID: ConnectTaskID
    let client: ClientConfig
    let offsets: ConnectOffsetStore

    func offset(for partition: JSONValue) async throws -> JSONValue? {
        try await offsets.offset(connector: taskID.connector, partition: partition)
    }
}

/// What a sink task run by a worker may ask: errant records go to the loop's error handling.
struct WorkerSinkTaskContext: SinkTaskContext {
    let taskID: ConnectTaskID
    let client: ClientConfig
    let loop: SinkTaskLoop

    func reportErrant(_ record: ConnectRecord, error: any Error) async throws {
        try await loop.reportErrant(record, error: error)
    }
}
