import BrookClient
import BrookSchemas

/// A record a source task produced, with where it came from (Kafka's `SourceRecord`): the
/// connector-defined source partition and offset (JSON objects of primitives, as `connect-offsets`
/// stores them). A record without a partition has no offset to remember.
public struct SourceRecord: Sendable {
    public var record: ConnectRecord
    public var sourcePartition: JSONValue?
    public var sourceOffset: JSONValue?

    public init(record: ConnectRecord, sourcePartition: JSONValue? = nil, sourceOffset: JSONValue? = nil) {
        self.record = record
        self.sourcePartition = sourcePartition
        self.sourceOffset = sourceOffset
    }
}

/// What a running source task may ask of its worker (Kafka's `SourceTaskContext` with its
/// `OffsetStorageReader`).
public protocol SourceTaskContext: Sendable {
    var taskID: ConnectTaskID { get }
    /// The offset last committed for `partition` (a source partition object), if any.
    func offset(for partition: JSONValue) async throws -> JSONValue?
    /// How to reach the Kafka cluster, for tasks that write beside the worker's producer (the
    /// desired-state source writes its records and its state in its own transactions).
    var client: ClientConfig { get }
}

/// A source task (Kafka's `SourceTask`): started with its task config, polled for records, told
/// when offsets of records it returned are committed, then stopped. The worker calls one method at
/// a time; `stop()` may come while a `poll()` waits.
public protocol SourceTask: AnyObject, Sendable {
    /// Reads the task config and the last committed offsets; throwing fails the task.
    func start(config: [String: String], context: any SourceTaskContext) async throws
    /// The next records. When there are none it waits a while (about a second at most) and returns
    /// an empty array; it never returns empty at once in a loop. Throwing fails the task, unless
    /// the error is a `RetriableConnectError` (polled again after a back-off).
    func poll() async throws -> [SourceRecord]
    /// The offsets of every record returned so far are written (Kafka's `commit()`).
    func commit() async throws
    /// Releases what the task holds; a `poll()` waiting now should return soon.
    func stop() async
}

extension SourceTask {
    public func commit() async throws {}
}

/// An error after which the same call may succeed if tried again (Kafka's `RetriableException`).
public struct RetriableConnectError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
