import BrookClient
@testable import BrookConnect
import BrookSchemas
import NIOConcurrencyHelpers

/// The worker's side of a source task in tests: committed offsets by source partition.
final class FakeSourceTaskContext: SourceTaskContext {
    let taskID = ConnectTaskID(connector: "test", task: 0)
    let client: ClientConfig
    private let offsets: NIOLockedValueBox<[JSONValue: JSONValue]>

    init(offsets: [JSONValue: JSONValue] = [:], client: ClientConfig = ClientConfig()) {
        self.offsets = NIOLockedValueBox(offsets)
        self.client = client
    }

    func offset(for partition: JSONValue) async throws -> JSONValue? {
        offsets.withLockedValue { $0[partition] }
    }

    /// What a worker does once the records' offsets are written: the last offset per partition.
    func commit(_ records: [SourceRecord]) {
        offsets.withLockedValue { offsets in
            for record in records {
                if let partition = record.sourcePartition, let offset = record.sourceOffset { offsets[partition] = offset }
            }
        }
    }
}

/// The worker's side of a sink task in tests: errant records are collected (errors.tolerance=all)
/// or fail the call (none).
final class FakeSinkTaskContext: SinkTaskContext {
    struct Failed: Error {}

    let taskID = ConnectTaskID(connector: "test", task: 0)
    let client = ClientConfig()
    let tolerateAll: Bool
    let errant = NIOLockedValueBox<[(record: ConnectRecord, error: String)]>([])

    init(tolerateAll: Bool = true) {
        self.tolerateAll = tolerateAll
    }

    func reportErrant(_ record: ConnectRecord, error: any Error) async throws {
        errant.withLockedValue { $0.append((record, "\(error)")) }
        if !tolerateAll { throw Failed() }
    }
}
