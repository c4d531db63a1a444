import BrookClient

/// What a running sink task may ask of its worker (Kafka's `SinkTaskContext`).
public protocol SinkTaskContext: Sendable {
    var taskID: ConnectTaskID { get }
    /// Hands the worker a record the task cannot write (Kafka's `ErrantRecordReporter`): with
    /// `errors.tolerance=all` it is logged and sent to the dead letter queue if one is configured,
    /// and the task carries on; with `none` this throws and the task fails.
    func reportErrant(_ record: ConnectRecord, error: any Error) async throws
    /// How to reach the Kafka cluster.
    var client: ClientConfig { get }
}

/// A sink task (Kafka's `SinkTask`): started with its task config, handed batches of records
/// (already converted and transformed), asked to flush before the worker commits the consumed
/// offsets, then stopped. The worker calls one method at a time.
public protocol SinkTask: AnyObject, Sendable {
    /// Reads the task config; throwing fails the task.
    func start(config: [String: String], context: any SinkTaskContext) async throws
    /// Writes (or buffers) `records`. Throwing `RetriableConnectError` makes the worker hand the
    /// same batch again after a back-off; any other error fails the task.
    func put(_ records: [ConnectRecord]) async throws
    /// Everything put so far is durable when this returns: the worker commits the consumed
    /// offsets only after it.
    func flush() async throws
    /// Releases what the task holds.
    func stop() async
}
