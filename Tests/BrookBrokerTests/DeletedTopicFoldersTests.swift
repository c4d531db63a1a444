@testable import BrookBroker
import BrookRecords
import Foundation
import NIOCore
import XCTest

/// A deleted topic's partition folders (`<topic>-<p>.<uuid>-delete`) are removed only after the
/// broker's `log.segment.delete.delay.ms`, also when left over from before a restart.
final class DeletedTopicFoldersTests: XCTestCase {
    private func start(_ dataDir: String = TestBroker.makeTempDir(), delayMs: Int? = nil) async throws -> TestBroker {
        try await TestBroker(dataDir: dataDir) { config in
            if let delayMs { config.topicDefaults["log.segment.delete.delay.ms"] = String(delayMs) }
        }
    }

    private func deletedFolders(_ broker: TestBroker, of topic: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: broker.dataDir)
            .filter { $0.hasPrefix(topic + "-0.") && $0.hasSuffix("-delete") }
    }

    @discardableResult
    private func createAndFill(_ broker: TestBroker, _ name: String) async throws -> Topic {
        let topic = try await unwrapped(broker.broker.topics.createTopic(name: name, partitions: 1, replicationFactor: 1,
                                                                       configs: [:], validateOnly: false))
        var builder = RecordBatchBuilder()
        builder.append(key: nil, value: ByteBuffer(string: name), timestamp: Broker.wallClockMillis())
        _ = try await XCTUnwrap(topic.partition(0)).append([try builder.build()], durable: false, logAppendTime: false).get()
        return topic
    }

    private func delete(_ broker: TestBroker, _ name: String) async throws {
        let topic = try XCTUnwrap(broker.broker.topics.topic(named: name))
        try await broker.broker.topics.deleteTopic(topic, on: broker.group.next()).get()
    }

    private func awaitRemovals(_ broker: TestBroker) async throws {
        for removal in broker.broker.topics.pendingFolderRemovals { try await removal.done.get() }
    }

    func testFolderStaysForTheDelayThenGoesAndARecreatedTopicIsUntouched() async throws {
        let broker = try await start(delayMs: 500)
        defer { broker.removeData() }
        try await createAndFill(broker, "t")
        let deletedAt = ContinuousClock.now
        try await delete(broker, "t")
        XCTAssertEqual(try deletedFolders(broker, of: "t").count, 1)
        XCTAssertEqual(broker.broker.topics.pendingFolderRemovals.count, 1)
        let recreated = try await createAndFill(broker, "t")

        try await awaitRemovals(broker)
        XCTAssertGreaterThanOrEqual(ContinuousClock.now - deletedAt, .milliseconds(500))
        XCTAssertEqual(try deletedFolders(broker, of: "t"), [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: broker.dataDir + "/t-0/00000000000000000000.log"))
        let offsets = try await XCTUnwrap(recreated.partition(0)).offsets().get()
        XCTAssertEqual(offsets.logEndOffset, 1)
        try await broker.stop()
    }

    func testLongDelayKeepsTheFolderAndLeftoversGoAfterTheDelayFromStartUp() async throws {
        var broker = try await start()
        defer { broker.removeData() }
        try await createAndFill(broker, "slow")
        try await createAndFill(broker, "fast")
        // The default delay (60 s) for "slow"; a runtime change applies to deletions made after it.
        try await delete(broker, "slow")
        try await broker.broker.topics.replaceDynamicConfigs(.broker, with: ["log.segment.delete.delay.ms": "300"],
                                                        validateOnly: false)
        try await delete(broker, "fast")
        XCTAssertEqual(broker.broker.topics.pendingFolderRemovals.count, 2)
        // Wait for the short removal, an event ordered after both deletions.
        let fast = try XCTUnwrap(broker.broker.topics.pendingFolderRemovals.first { $0.folders.first?.contains("/fast-0.") == true })
        try await fast.done.get()
        XCTAssertEqual(try deletedFolders(broker, of: "fast"), [])
        XCTAssertEqual(try deletedFolders(broker, of: "slow").count, 1)
        // Shutdown cancels the pending removal; the folder stays for the next start.
        try await broker.broker.topics.replaceDynamicConfigs(.broker, with: [:], validateOnly: false)
        try await broker.stop()
        XCTAssertEqual(try deletedFolders(broker, of: "slow").count, 1)

        broker = try await start(broker.dataDir, delayMs: 1000)
        XCTAssertEqual(broker.broker.topics.pendingFolderRemovals.count, 1)
        XCTAssertEqual(try deletedFolders(broker, of: "slow").count, 1)
        try await awaitRemovals(broker)
        XCTAssertEqual(try deletedFolders(broker, of: "slow"), [])
        try await broker.stop()
    }
}
