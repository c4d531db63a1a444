import BrookClient
@testable import BrookConnect
import BrookSchemas
import BrookTestSupport
import XCTest

/// ConnectOffsetStore against a real broker: writes are read back by every store on the topic,
/// tombstones delete, and records it cannot read are skipped.
final class WorkerOffsetStoreTests: XCTestCase {
    private var broker: WorkerBrokerFixture?

    override func setUp() async throws {
        let broker = try WorkerBrokerFixture()
        self.broker = broker
        try await broker.waitUntilReady()
    }

    override func tearDown() async throws {
        broker?.stop()
        broker = nil
    }

    private func file(_ name: String) -> JSONValue { .object([("filename", .string(name))]) }
    private func position(_ n: Int64) -> JSONValue { .object([("position", JSONValue(integer: n))]) }

    func testWritesAreSeenByEveryStoreAndTombstonesDelete() async throws {
        let broker = try XCTUnwrap(broker)
        let writer = broker.environment().offsets
        try await writer.start()
        try await writer.write([
            ConnectOffsetRecord(connector: "files", partition: file("a"), offset: position(1)),
            ConnectOffsetRecord(connector: "files", partition: file("b"), offset: position(2)),
            ConnectOffsetRecord(connector: "other", partition: file("a"), offset: position(3)),
            ConnectOffsetRecord(connector: "files", partition: file("a"), offset: position(4)),
        ])
        let reader = broker.environment().offsets
        let seen = try await reader.offsets(connector: "files")
        XCTAssertEqual(seen.map(\.partition), [file("a"), file("b")])
        XCTAssertEqual(seen.map(\.offset), [position(4), position(2)])
        let other = try await reader.offset(connector: "other", partition: file("a"))
        XCTAssertEqual(other, position(3))

        try await writer.write([ConnectOffsetRecord(connector: "files", partition: file("a"), offset: nil)])
        let afterDelete = try await reader.offsets(connector: "files")
        XCTAssertEqual(afterDelete.map(\.partition), [file("b")])
        let deleted = try await reader.offset(connector: "files", partition: file("a"))
        XCTAssertNil(deleted)
    }

    /// Whatever else is in the topic (other formats, junk, truncated JSON, null keys), the store
    /// starts, skips it, and keeps the offsets it can read.
    func testRecordsItCannotReadAreSkipped() async throws {
        let broker = try XCTUnwrap(broker)
        let writer = broker.environment().offsets
        try await writer.start()
        try await writer.write([ConnectOffsetRecord(connector: "files", partition: file("a"), offset: position(7))])
        let valid = ConnectOffsetRecord(connector: "files", partition: file("z"), offset: position(1))
        // Compacted topics refuse null keys, so every junk record has one.
        var junk: [(key: [UInt8], value: [UInt8]?)] = [
            (Array("".utf8), Array("{}".utf8)), (Array("[]".utf8), nil), (Array(#"["files"]"#.utf8), nil), (Array(#"["files",null]"#.utf8), nil),
            (Array(#"[1,{}]"#.utf8), Array("{}".utf8)), (Array(#"["files",{"filename":"a"}]"#.utf8), Array("not json".utf8)),
        ]
        var rng = SeededRNG(seed: 9)
        for _ in 0..<40 {
            var key = valid.key
            var value = valid.value!
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: key = Array(key.prefix(Int.random(in: 0..<key.count, using: &rng)))
            case 1: value = Array(value.prefix(Int.random(in: 0..<value.count, using: &rng)))
            default: key[Int.random(in: 0..<key.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            junk.append((key, value))
        }
        let cluster = KafkaCluster(config: broker.client)
        let producer = try KafkaProducer(config: ProducerConfig(client: broker.client), cluster: cluster)
        for (key, value) in junk {
            _ = try await producer.send(ProducerRecord(topic: "connect-offsets", key: key, value: value))
        }
        await producer.close()
        await cluster.close()

        let reader = broker.environment().offsets
        try await reader.start()
        let offset = try await reader.offset(connector: "files", partition: file("a"))
        XCTAssertEqual(offset, position(7))
    }
}
