@testable import BrookBroker
import BrookProtocol
import BrookRecords
import BrookStorage
import NIOCore
import XCTest

/// `cleaner-offset-checkpoint`: the cleaner's progress survives a restart, is clamped to the log,
/// tolerates a bad file and goes with a deleted topic.
final class CleanerCheckpointsTests: XCTestCase {
    private static let compacted = ["cleanup.policy": "compact", "segment.bytes": "300", "min.cleanable.dirty.ratio": "0.01"]

    /// A broker whose cleaner runs only when the test says so.
    private func start(_ dataDir: String = TestBroker.makeTempDir()) async throws -> TestBroker {
        try await TestBroker(dataDir: dataDir) { $0.cleanerEnable = false }
    }

    private func checkpointFile(_ broker: TestBroker) -> String { broker.dataDir + "/cleaner-offset-checkpoint" }

    private func storedOffsets(_ broker: TestBroker) throws -> [TopicPartition: Int64] {
        try CleanerCheckpoint(directory: broker.dataDir).read()
    }

    /// Writes `versions` rounds of the same four keys, one batch a round.
    private func fill(_ topic: Topic, versions: Range<Int>) async throws {
        let partition = try XCTUnwrap(topic.partition(0))
        for version in versions {
            var builder = RecordBatchBuilder()
            for key in 0..<4 {
                builder.append(key: ByteBuffer(string: "k\(key)"), value: ByteBuffer(string: "v\(version)"),
                               timestamp: Broker.wallClockMillis())
            }
            _ = try await partition.append([try builder.build()], durable: false, logAppendTime: false).get()
        }
    }

    private func createCompacted(_ broker: TestBroker, _ name: String) async throws -> Topic {
        try await unwrapped(broker.broker.topics.createTopic(name: name, partitions: 1, replicationFactor: 1,
                                                           configs: Self.compacted, validateOnly: false))
    }

    private func cleanerPass(_ broker: TestBroker) async throws -> Int {
        try await broker.broker.cleaner.runOnce(on: broker.group.next()).get()
    }

    private func checkpointed(_ broker: TestBroker, _ name: String) throws -> Int64? {
        let topic = try XCTUnwrap(broker.broker.topics.topic(named: name))
        return broker.broker.topics.cleanerCheckpoints.offset(for: TopicPartition(topic: name, partition: 0), topicId: topic.id)
    }

    func testNextPassAfterRestartStartsAtTheCheckpoint() async throws {
        var broker = try await start()
        defer { broker.removeData() }
        let tp = TopicPartition(topic: "c", partition: 0)
        try await fill(try await createCompacted(broker, "c"), versions: 0..<6)
        let rewritten = try await cleanerPass(broker)
        XCTAssertGreaterThan(rewritten, 0)
        let cleanedUpTo = try XCTUnwrap(try checkpointed(broker, "c"))
        XCTAssertGreaterThan(cleanedUpTo, 0)
        XCTAssertEqual(try storedOffsets(broker), [tp: cleanedUpTo])
        try await broker.stop()

        broker = try await start(broker.dataDir)
        XCTAssertEqual(try checkpointed(broker, "c"), cleanedUpTo)
        // Nothing new is dirty: without the checkpoint this pass would reclean the whole log.
        let rewrittenAgain = try await cleanerPass(broker)
        XCTAssertEqual(rewrittenAgain, 0)
        try await fill(try XCTUnwrap(broker.broker.topics.topic(named: "c")), versions: 6..<12)
        let rewrittenNew = try await cleanerPass(broker)
        XCTAssertGreaterThan(rewrittenNew, 0)
        let advanced = try XCTUnwrap(try checkpointed(broker, "c"))
        XCTAssertGreaterThan(advanced, cleanedUpTo)
        XCTAssertEqual(try storedOffsets(broker), [tp: advanced])
        try await broker.stop()
    }

    func testCheckpointBeyondTheLogEndStartsOver() async throws {
        var broker = try await start()
        defer { broker.removeData() }
        try await fill(try await createCompacted(broker, "c"), versions: 0..<6)
        try await broker.stop()
        // A stale file, as if from an older incarnation of the data directory.
        try "0\n1\nc 0 1000000\n".write(toFile: checkpointFile(broker), atomically: false, encoding: .utf8)

        broker = try await start(broker.dataDir)
        XCTAssertEqual(try checkpointed(broker, "c"), 1_000_000)
        let rewritten = try await cleanerPass(broker)
        XCTAssertGreaterThan(rewritten, 0)
        let cleanedUpTo = try XCTUnwrap(try checkpointed(broker, "c"))
        XCTAssertLessThan(cleanedUpTo, 24)
        XCTAssertEqual(try storedOffsets(broker), [TopicPartition(topic: "c", partition: 0): cleanedUpTo])
        try await broker.stop()
    }

    func testUnreadableCheckpointDoesNotStopTheBroker() async throws {
        var broker = try await start()
        defer { broker.removeData() }
        try await fill(try await createCompacted(broker, "c"), versions: 0..<6)
        try await broker.stop()
        try "0\n2\nc 0 not-an-offset\n".write(toFile: checkpointFile(broker), atomically: false, encoding: .utf8)

        broker = try await start(broker.dataDir)
        XCTAssertNil(try checkpointed(broker, "c"))
        let rewritten = try await cleanerPass(broker)
        XCTAssertGreaterThan(rewritten, 0)
        XCTAssertEqual(Array(try storedOffsets(broker).keys), [TopicPartition(topic: "c", partition: 0)])
        try await broker.stop()
    }

    func testDeletedTopicLeavesTheCheckpointAndARecreatedOneStartsOver() async throws {
        var broker = try await start()
        defer { broker.removeData() }
        let doomed = try await createCompacted(broker, "c")
        try await fill(doomed, versions: 0..<6)
        try await fill(try await createCompacted(broker, "kept"), versions: 0..<6)
        let rewritten = try await cleanerPass(broker)
        XCTAssertGreaterThan(rewritten, 0)
        XCTAssertEqual(Set(try storedOffsets(broker).keys.map(\.topic)), ["c", "kept"])

        try await broker.broker.topics.deleteTopic(doomed, on: broker.group.next()).get()
        XCTAssertEqual(Set(try storedOffsets(broker).keys.map(\.topic)), ["kept"])
        let recreated = try await createCompacted(broker, "c")
        XCTAssertNil(try checkpointed(broker, "c"))
        try await fill(recreated, versions: 0..<2)
        try await broker.stop()

        // The file must not hand the old topic's progress to the new one of the same name.
        broker = try await start(broker.dataDir)
        XCTAssertNil(try checkpointed(broker, "c"))
        XCTAssertNotNil(try checkpointed(broker, "kept"))
        try await broker.stop()
    }

    func testInternalTopicsOpenedAfterStartUpKeepTheirCheckpoints() async throws {
        var broker = try await start()
        defer { broker.removeData() }
        try await broker.broker.groups.loadedFuture.get()
        let offsets = try XCTUnwrap(broker.broker.topics.topic(named: "__consumer_offsets"))
        let tp = TopicPartition(topic: "__consumer_offsets", partition: 3)
        broker.broker.topics.cleanerCheckpoints.record(7, for: tp, topicId: offsets.id)
        broker.broker.topics.cleanerCheckpoints.write()
        try await broker.stop()

        // The internal topics open only after the listener is up; their entries must wait for them.
        broker = try await start(broker.dataDir)
        try await broker.broker.groups.loadedFuture.get()
        XCTAssertEqual(broker.broker.topics.cleanerCheckpoints.offset(for: tp, topicId: offsets.id), 7)
        XCTAssertEqual(try storedOffsets(broker)[tp], 7)
        try await broker.stop()
    }
}
