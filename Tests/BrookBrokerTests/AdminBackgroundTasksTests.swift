@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// The retention and cleaner tasks driven by hand (one pass each) against a real broker.
final class AdminBackgroundTasksTests: XCTestCase {
    private func batch(_ records: [(String, String?)], timestamp: Int64) throws -> ByteBuffer {
        var builder = RecordBatchBuilder()
        for (key, value) in records {
            builder.append(key: ByteBuffer(string: key), value: value.map { ByteBuffer(string: $0) }, timestamp: timestamp)
        }
        return try builder.build()
    }

    /// (offset, key, value) of every record in the partition, read on its loop.
    private func keyedRecords(_ partition: Partition) async throws -> [(Int64, String, String?)] {
        try await partition.eventLoop.submit { () throws -> [(Int64, String, String?)] in
            var out: [(Int64, String, String?)] = []
            var offset = partition.log.logStartOffset
            while offset < partition.log.logEndOffset {
                let read = try partition.log.read(from: offset, maxBytes: 1 << 20, upTo: partition.log.logEndOffset,
                                                  minOneBatch: true)
                guard read.records.readableBytes > 0 else { break }
                for batch in try RecordBatch.decodeAll(read.records, maxDecompressedSize: 1 << 20) {
                    out += batch.records.map { (batch.offset(of: $0), String(buffer: $0.key!), $0.value.map { String(buffer: $0) }) }
                    offset = batch.header.lastOffset + 1
                }
            }
            return out
        }.get()
    }

    func testRetentionPassMovesLogStartOffset() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let topic = try await unwrapped(broker.broker.topics.createTopic(
            name: "r", partitions: 1, replicationFactor: 1, configs: ["segment.bytes": "200", "retention.ms": "60000"],
            validateOnly: false))
        let partition = try XCTUnwrap(topic.partition(0))
        let old = Broker.wallClockMillis() - 3_600_000
        for i in 0..<5 {
            _ = try await partition.append([try batch([("k", String(repeating: "x", count: 120))], timestamp: old + Int64(i))],
                                           durable: false, logAppendTime: false).get()
        }
        let deleted = try await broker.broker.retention.runOnce(on: partition.eventLoop).get()
        XCTAssertEqual(deleted, 4)
        let offsets = try await partition.offsets().get()
        XCTAssertEqual(offsets.logStartOffset, 4)
        XCTAssertEqual(offsets.logEndOffset, 5)
        try await broker.stop()
    }

    func testCleanerPassCompactsOnlyCompactedTopics() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let configs = ["segment.bytes": "300", "min.cleanable.dirty.ratio": "0.01"]
        let compacted = try await unwrapped(broker.broker.topics.createTopic(
            name: "c", partitions: 1, replicationFactor: 1, configs: configs.merging(["cleanup.policy": "compact"]) { $1 },
            validateOnly: false))
        let plain = try await unwrapped(broker.broker.topics.createTopic(
            name: "d", partitions: 1, replicationFactor: 1, configs: configs, validateOnly: false))
        let now = Broker.wallClockMillis()
        for topic in [compacted, plain] {
            let partition = try XCTUnwrap(topic.partition(0))
            for version in 0..<6 {
                _ = try await partition.append([try batch((0..<4).map { ("k\($0)", "v\(version)") }, timestamp: now)],
                                               durable: false, logAppendTime: false).get()
            }
        }
        let rewritten = try await broker.broker.cleaner.runOnce(on: broker.group.next()).get()
        XCTAssertGreaterThan(rewritten, 0)
        for (topic, expectCompacted) in [(compacted, true), (plain, false)] {
            let partition = try XCTUnwrap(topic.partition(0))
            let records = try await keyedRecords(partition).map { ($0.0, $0.1) }
            let keys = records.map(\.1)
            if expectCompacted {
                XCTAssertLessThan(records.count, 24)
                XCTAssertEqual(Set(keys), ["k0", "k1", "k2", "k3"])
                XCTAssertEqual(records.map(\.0), records.map(\.0).sorted())
            } else {
                XCTAssertEqual(records.map(\.0), Array(0..<24))
            }
        }
        try await broker.stop()
    }

    /// Shutdown stops a running pass at its next partition (and waits for it) instead of closing logs
    /// under it: a pass told to stop cleans nothing more.
    func testCleanerPassAskedToStopCleansNoFurtherPartition() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        let configs = ["segment.bytes": "300", "min.cleanable.dirty.ratio": "0.01", "cleanup.policy": "compact"]
        let topic = try await unwrapped(broker.broker.topics.createTopic(
            name: "c", partitions: 2, replicationFactor: 1, configs: configs, validateOnly: false))
        let now = Broker.wallClockMillis()
        for index in Int32(0)..<2 {
            let partition = try XCTUnwrap(topic.partition(index))
            for version in 0..<6 {
                _ = try await partition.append([try batch((0..<4).map { ("k\($0)", "v\(version)") }, timestamp: now)],
                                               durable: false, logAppendTime: false).get()
            }
        }
        let stopped = try await broker.broker.cleaner.runOnce(on: broker.group.next(), stop: { true }).get()
        XCTAssertEqual(stopped, 0)
        for index in Int32(0)..<2 {
            let records = try await keyedRecords(try XCTUnwrap(topic.partition(index)))
            XCTAssertEqual(records.count, 24, "partition \(index) untouched")
        }
        let full = try await broker.broker.cleaner.runOnce(on: broker.group.next()).get()
        XCTAssertGreaterThan(full, 0)
        try await broker.stop()
    }

    func testExpiredTombstoneGoesInAPassWithNothingNewToClean() async throws {
        let broker = try await TestBroker { $0.cleanerEnable = false }
        defer { broker.removeData() }
        let topic = try await unwrapped(broker.broker.topics.createTopic(
            name: "t", partitions: 1, replicationFactor: 1,
            configs: ["cleanup.policy": "compact", "segment.bytes": "300", "min.cleanable.dirty.ratio": "0.01",
                      "delete.retention.ms": "0"], validateOnly: false))
        let partition = try XCTUnwrap(topic.partition(0))
        let now = Broker.wallClockMillis()
        let batches: [[(String, String?)]] = [[("gone", "v"), ("kept", "v")], [("gone", nil)],
                                              [("a", String(repeating: "a", count: 200))],
                                              [("b", String(repeating: "b", count: 200))]]
        for records in batches {
            _ = try await partition.append([try batch(records, timestamp: now)], durable: false, logAppendTime: false).get()
        }
        // Pass 1 gives the tombstone its delete horizon (now + 0 ms) and keeps it.
        let first = try await broker.broker.cleaner.runOnce(on: partition.eventLoop).get()
        XCTAssertGreaterThan(first, 0)
        var records = try await keyedRecords(partition)
        XCTAssertEqual(records.filter { $0.1 == "gone" }.map(\.2), [nil])
        // Nothing was written since, so only the passed horizon can bring pass 2, which drops it.
        let second = try await broker.broker.cleaner.runOnce(on: partition.eventLoop).get()
        XCTAssertGreaterThan(second, 0)
        records = try await keyedRecords(partition)
        XCTAssertFalse(records.contains { $0.1 == "gone" })
        XCTAssertEqual(records.filter { $0.1 == "kept" }.map(\.2), ["v"])
        try await broker.stop()
    }
}
