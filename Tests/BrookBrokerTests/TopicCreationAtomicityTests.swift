@testable import BrookBroker
import BrookProtocol
import BrookStorage
import Foundation
import XCTest

/// CreateTopics and CreatePartitions are all or nothing, and start-up never opens a partition folder
/// that no topic metadata owns (it is moved aside as `<topic>-<p>.<uuid>-stray`).
final class TopicCreationAtomicityTests: XCTestCase {
    private func folders(_ dataDir: String, prefix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dataDir).filter { $0.hasPrefix(prefix) }.sorted()
    }

    private func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    /// A plain file where partition `p`'s folder belongs makes opening that partition fail: the
    /// request fails half-way, after the partitions before it were created.
    private func blockPartition(_ dataDir: String, _ folder: String) throws {
        try Data("in the way".utf8).write(to: URL(fileURLWithPath: dataDir + "/" + folder))
    }

    func testCreateTopicFailingHalfWayLeavesNothingBehind() async throws {
        // The internal topics stay closed, so nothing else opens files while descriptors are counted.
        let broker = try await TestBroker(holdCoordinators: true)
        defer { broker.removeData() }
        try blockPartition(broker.dataDir, "big-7")
        let before = try openDescriptors()
        await assertThrowsAsync({ try await broker.broker.topics.createTopic(name: "big", partitions: 12, replicationFactor: 1,
                                                                  configs: [:], validateOnly: false) }) { error in
            XCTAssertEqual((error as? TopicCreationError)?.errorCode, .kafkaStorageError, "\(error)")
        }
        XCTAssertNil(broker.broker.topics.topic(named: "big"))
        XCTAssertEqual(try folders(broker.dataDir, prefix: "big-"), ["big-7"], "only the file that was in the way")
        XCTAssertFalse(FileManager.default.fileExists(atPath: broker.dataDir + "/__brook_topics/big.properties"))
        XCTAssertLessThanOrEqual(try openDescriptors(), before, "the logs opened before the failure are closed")

        try FileManager.default.removeItem(atPath: broker.dataDir + "/big-7")
        let topic = try await unwrapped(broker.broker.topics.createTopic(name: "big", partitions: 12, replicationFactor: 1,
                                                                       configs: [:], validateOnly: false))
        XCTAssertEqual(topic.partitions.count, 12)
        try await broker.stop()
    }

    func testCreatePartitionsFailingHalfWayLeavesTheTopicAsItWas() async throws {
        var broker = try await TestBroker()
        defer { broker.removeData() }
        let topic = try await unwrapped(broker.broker.topics.createTopic(name: "grow", partitions: 2, replicationFactor: 1,
                                                                       configs: [:], validateOnly: false))
        try blockPartition(broker.dataDir, "grow-4")
        await assertThrowsAsync({ try await broker.broker.topics.addPartitions(topic, count: 6, validateOnly: false) }) { error in
            XCTAssertEqual((error as? AdminError)?.code, .kafkaStorageError, "\(error)")
        }
        XCTAssertEqual(topic.partitions.count, 2)
        XCTAssertEqual(try folders(broker.dataDir, prefix: "grow-"), ["grow-0", "grow-1", "grow-4"])
        let meta = try String(contentsOfFile: broker.dataDir + "/__brook_topics/grow.properties", encoding: .utf8)
        XCTAssertTrue(meta.contains("partitions=2\n"), meta)
        try await broker.stop()

        try FileManager.default.removeItem(atPath: broker.dataDir + "/grow-4")
        broker = try await TestBroker(dataDir: broker.dataDir)
        XCTAssertEqual(broker.broker.topics.topic(named: "grow")?.partitions.count, 2)
        try await broker.stop()
    }

    func testStartUpMovesAsideFoldersNoMetadataOwns() async throws {
        var broker = try await TestBroker()
        defer { broker.removeData() }
        _ = try await broker.broker.topics.createTopic(name: "kept", partitions: 2, replicationFactor: 1, configs: [:],
                                                 validateOnly: false)
        try await broker.stop()
        let fm = FileManager.default
        for folder in ["orphan-0", "orphan-3", "kept-5"] {
            try fm.createDirectory(atPath: broker.dataDir + "/" + folder, withIntermediateDirectories: true)
            try Data("evidence".utf8).write(to: URL(fileURLWithPath: broker.dataDir + "/" + folder + "/note"))
        }

        broker = try await TestBroker(dataDir: broker.dataDir)
        XCTAssertNil(broker.broker.topics.topic(named: "orphan"))
        XCTAssertEqual(broker.broker.topics.topic(named: "kept")?.partitions.count, 2)
        XCTAssertFalse(fm.fileExists(atPath: broker.dataDir + "/__brook_topics/orphan.properties"))
        let stray = try fm.contentsOfDirectory(atPath: broker.dataDir).filter { $0.hasSuffix("-stray") }.sorted()
        XCTAssertEqual(stray.count, 3, "\(stray)")
        XCTAssertEqual(stray.map { String($0.prefix(while: { $0 != "." })) }, ["kept-5", "orphan-0", "orphan-3"])
        for folder in stray {
            XCTAssertEqual(try String(contentsOfFile: broker.dataDir + "/" + folder + "/note", encoding: .utf8), "evidence")
        }
        XCTAssertEqual(try folders(broker.dataDir, prefix: "orphan-").filter { !$0.hasSuffix("-stray") }, [])

        // The name is free: a new topic starts empty, not on the stray data.
        let orphan = try await unwrapped(broker.broker.topics.createTopic(name: "orphan", partitions: 1, replicationFactor: 1,
                                                                        configs: [:], validateOnly: false))
        XCTAssertEqual(orphan.partitions.count, 1)
        try await broker.stop()
    }
}
