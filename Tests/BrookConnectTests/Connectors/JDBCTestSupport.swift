import BrookClient
import BrookSchemas
import BrookTestSupport
import Foundation
import NIOConcurrencyHelpers
import XCTest
@testable import BrookConnect

/// A sink context that records what the task reports as errant (errors.tolerance=all).
final class FakeSinkContext: SinkTaskContext {
    let taskID = ConnectTaskID(connector: "sql-test", task: 0)
    let client = ClientConfig()
    private let reported = NIOLockedValueBox<[(record: ConnectRecord, error: String)]>([])

    var errant: [(record: ConnectRecord, error: String)] { reported.withLockedValue { $0 } }

    func reportErrant(_ record: ConnectRecord, error: any Error) async throws {
        reported.withLockedValue { $0.append((record, String(describing: error))) }
    }
}

/// A source context with fixed committed offsets.
final class FakeSourceContext: SourceTaskContext {
    let taskID = ConnectTaskID(connector: "sql-test", task: 0)
    let client = ClientConfig()
    let offsets: [JSONValue: JSONValue]

    init(offsets: [JSONValue: JSONValue] = [:]) {
        self.offsets = offsets
    }

    func offset(for partition: JSONValue) async throws -> JSONValue? { offsets[partition] }
}

/// One PostgreSQL server per test class (started on first use, stopped in the class's tearDown);
/// tests skip when the binaries are not installed.
final class SharedPostgres: @unchecked Sendable {
    private let lock = NSLock()
    private var server: PostgresProcess?

    func get() throws -> PostgresProcess {
        try lock.withLock {
            if let server { return server }
            do {
                let server = try PostgresProcess()
                self.server = server
                return server
            } catch let error as PostgresProcessError where error.binariesMissing {
                throw XCTSkip("PostgreSQL is not installed (scripts/install-deps.sh installs it): \(error)")
            }
        }
    }

    func stop() {
        lock.withLock {
            server?.stop()
            server = nil
        }
    }
}

/// Record builders for the sink tests.
enum SQLTestRecords {
    static let userSchema = try! ConnectSchema.struct(name: "user", [
        ("id", .int64), ("name", .optionalString), ("score", .optionalInt32),
    ])

    static func user(_ id: Int64, _ name: String?, score: Int32? = nil, topic: String, offset: Int64 = 0,
                     schema: ConnectSchema = userSchema) -> ConnectRecord {
        var value = try! ConnectStruct(schema: schema)
        try! value.put("id", .int64(id))
        try! value.put("name", name.map(ConnectValue.string) ?? .null)
        if schema.field(named: "score") != nil { try! value.put("score", score.map(ConnectValue.int32) ?? .null) }
        return ConnectRecord(topic: topic, kafkaPartition: 0, keySchema: .int64, key: .int64(id),
                             valueSchema: schema, value: .struct(value), kafkaOffset: offset)
    }

    static func tombstone(_ id: Int64, topic: String) -> ConnectRecord {
        ConnectRecord(topic: topic, kafkaPartition: 0, keySchema: .int64, key: .int64(id), valueSchema: userSchema, value: .null)
    }

    static func uniqueTable(_ prefix: String) -> String {
        prefix + "_" + UUID().uuidString.prefix(8).lowercased()
    }
}

/// The rows of `sql` as text (NULL as "null"), for assertions.
func textRows(_ session: any SQLSession, _ sql: String) async throws -> [[String]] {
    try await session.query(sql, []).rows.map { row in
        row.map { value in
            switch value {
            case .null: "null"
            case let .integer(v): String(v)
            case let .boolean(v): v ? "true" : "false"
            default: value.parameterText ?? "null"
            }
        }
    }
}
