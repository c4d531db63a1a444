#if canImport(Glibc)
import Glibc
#endif
@testable import BrookBroker
import BrookProtocol
import BrookRecords
@testable import BrookStorage
import Foundation
import NIOCore
import XCTest

/// Issue 10 items 1–3 through a real broker: extreme timestamps, an fsync error, periodic checkpoints.
final class StorageFailureEndToEndTests: XCTestCase {
    private func batch(timestamp: Int64, producerId: Int64 = -1, sequence: Int32 = -1) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(producerId: producerId, producerEpoch: producerId >= 0 ? 0 : -1,
                                         baseSequence: sequence)
        builder.append(key: ByteBuffer(string: "k"), value: ByteBuffer(string: "v\(timestamp)"), timestamp: timestamp)
        return try builder.build()
    }

    private func produce(_ client: RawKafkaClient, _ topic: String, _ records: ByteBuffer, acks: Int16 = -1) throws
        -> ProduceResponse.PartitionProduceResponse {
        let request = ProduceRequest(acks: acks, timeoutMs: 5000,
                                     topicData: [.init(name: topic, partitionData: [.init(index: 0, records: records)])])
        let response = try client.request(request, version: 9, as: ProduceResponse.self)
        return try XCTUnwrap(response.responses.first?.partitionResponses.first)
    }

    private func fetch(_ client: RawKafkaClient, _ topic: String, offset: Int64 = 0) throws -> FetchResponse.PartitionData {
        let request = FetchRequest(replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
                                   topics: [.init(topic: topic, partitions: [.init(partition: 0, fetchOffset: offset,
                                                                                     partitionMaxBytes: 1 << 20)])])
        let response = try client.request(request, version: 12, as: FetchResponse.self)
        return try XCTUnwrap(response.responses.first?.partitions.first)
    }

    private func create(_ client: RawKafkaClient, _ topics: [String]) throws {
        _ = try client.request(MetadataRequest(topics: topics.map { .init(name: $0) }, allowAutoTopicCreation: true),
                               version: 12, as: MetadataResponse.self)
    }

    private let storageError = ErrorCode.kafkaStorageError.rawValue

    /// Item 1: two Produce requests (a normal timestamp, then one near Int64.min) killed the process in
    /// the roll check; then producer expiry met the same timestamp.
    func testProduceWithExtremeTimestampsDoesNotKillTheBroker() async throws {
        let broker = try await TestBroker { $0.segmentMs = 1 }
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            try create(client, ["x"])
            let timestamps: [Int64] = [1_700_000_000_000, Int64.min, Int64.max, Int64.min + 1, -1, 0]
            for (i, timestamp) in timestamps.enumerated() {
                let response = try produce(client, "x", try batch(timestamp: timestamp, producerId: 9, sequence: Int32(i)))
                XCTAssertEqual(response.errorCode, 0, "timestamp \(timestamp)")
                XCTAssertEqual(response.baseOffset, Int64(i))
            }
            try await broker.broker.expireProducers().get()
            let partition = try XCTUnwrap(broker.broker.topics.topic(named: "x")?.partition(0))
            _ = try await partition.offsetForTimestamp(Int64.min).get()
            _ = try await partition.offsetForTimestamp(Int64.max).get()
            // segment.ms=1 rolled a segment per batch, and a fetch reads from one segment.
            var stored: [Int64] = []
            while stored.count < timestamps.count {
                let fetched = try fetch(client, "x", offset: Int64(stored.count))
                XCTAssertEqual(fetched.errorCode, 0)
                let batches = try RecordBatch.decodeAll(try XCTUnwrap(fetched.records), maxDecompressedSize: 1 << 20)
                guard !batches.isEmpty else { return XCTFail("no batch at \(stored.count)") }
                stored += batches.map(\.header.maxTimestamp)
            }
            XCTAssertEqual(stored, timestamps)
        }
        try await broker.stop()
    }

    /// Item 2: after one failed fsync, nothing is acknowledged any more, on any partition of the
    /// directory, although later fsyncs would succeed; fetches are refused too. After a restart the
    /// broker serves again, having recovered without a clean-shutdown marker.
    func testFsyncErrorTakesTheLogDirectoryOfflineUntilRestart() async throws {
        let broker = try await TestBroker()
        defer {
            StorageFaults.clear(pathContains: broker.dataDir)
            broker.removeData()
        }
        do {
            let client = try RawKafkaClient(port: broker.port)
            try create(client, ["a", "b"])
            XCTAssertEqual(try produce(client, "a", try batch(timestamp: 1)).errorCode, 0)
            StorageFaults.inject(.fsync, errno: EIO, pathContains: broker.dataDir + "/a-0/")

            let failed = try produce(client, "a", try batch(timestamp: 2))
            XCTAssertEqual(failed.errorCode, storageError)
            XCTAssertEqual(failed.baseOffset, -1)
            for (topic, acks) in [("a", Int16(-1)), ("a", 1), ("b", -1), ("b", 1)] {
                let refused = try produce(client, topic, try batch(timestamp: 3), acks: acks)
                XCTAssertEqual(refused.errorCode, storageError, "\(topic) acks=\(acks)")
                XCTAssertTrue(refused.errorMessage?.contains("offline") ?? false, refused.errorMessage ?? "no message")
            }
            XCTAssertEqual(try fetch(client, "a").errorCode, storageError)
            XCTAssertEqual(try fetch(client, "b").errorCode, storageError)
            let dirs = try client.request(DescribeLogDirsRequest(topics: nil), version: 1, as: DescribeLogDirsResponse.self)
            XCTAssertEqual(dirs.results.map(\.errorCode), [storageError], "an offline log dir is reported as such")
            XCTAssertEqual(dirs.results.first?.topics.count, 0)
        }
        try await broker.stop()
        XCTAssertFalse(FileManager.default.fileExists(atPath: broker.dataDir + "/.brook_clean_shutdown"),
                       "an offline directory must be recovered at the next start")

        let restarted = try await TestBroker(dataDir: broker.dataDir)
        do {
            let client = try RawKafkaClient(port: restarted.port)
            let fetched = try fetch(client, "a")
            XCTAssertEqual(fetched.errorCode, 0)
            let appended = try produce(client, "a", try batch(timestamp: 4))
            XCTAssertEqual(appended.errorCode, 0)
            XCTAssertGreaterThanOrEqual(appended.baseOffset, 1)
        }
        try await restarted.stop()
    }

    /// Item 3: recovery points reach the checkpoint file while the broker runs, not only at shutdown.
    func testRecoveryPointsAreCheckpointedPeriodically() async throws {
        let broker = try await TestBroker { $0.logFlushOffsetCheckpointIntervalMs = 20 }
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            try create(client, ["c"])
            for i in 0..<3 { XCTAssertEqual(try produce(client, "c", try batch(timestamp: Int64(i))).errorCode, 0) }
            let file = OffsetCheckpointFile(path: broker.dataDir + "/recovery-point-offset-checkpoint")
            let tp = TopicPartition(topic: "c", partition: 0)
            let deadline = Date().addingTimeInterval(10)
            while (try? file.read())?[tp] != 3 && Date() < deadline {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            XCTAssertEqual(try file.read()[tp], 3, "the periodic checkpoint did not record the recovery point")
            XCTAssertFalse(FileManager.default.fileExists(atPath: broker.dataDir + "/.brook_clean_shutdown"))
        }
        try await broker.stop()
    }

    /// One checkpoint pass, awaited: writes the current recovery points and leaves deleted topics out.
    func testCheckpointPassWritesCurrentRecoveryPoints() async throws {
        let broker = try await TestBroker { $0.logFlushOffsetCheckpointIntervalMs = 0 }
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            try create(client, ["d"])
            XCTAssertEqual(try produce(client, "d", try batch(timestamp: 1)).errorCode, 0)
            try await broker.broker.logCheckpoints.runOnce(on: broker.group.next()).get()
            let file = OffsetCheckpointFile(path: broker.dataDir + "/recovery-point-offset-checkpoint")
            XCTAssertEqual(try file.read()[TopicPartition(topic: "d", partition: 0)], 1)
        }
        try await broker.stop()
    }
}
