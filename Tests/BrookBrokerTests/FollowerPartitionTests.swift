import BrookCluster
@testable import BrookBroker
import BrookProtocol
import BrookRecords
@testable import BrookStorage
import Foundation
import Glibc
import Logging
import NIOCore
import NIOPosix
import XCTest

/// A follower partition fed a leader partition's batches: same producer state and aborted
/// transactions, truncation rebuilds them, and an append completes only after its fsync.
final class FollowerPartitionTests: XCTestCase {
    private var group: MultiThreadedEventLoopGroup!
    private var pool: NIOThreadPool!
    private var root: String!
    private let tp = TopicPartition(topic: "orders", partition: 0)

    override func setUpWithError() throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        root = NSTemporaryDirectory() + "brook-follower-" + UUID().uuidString
    }

    override func tearDown() async throws {
        StorageFaults.clear(pathContains: root)
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
        try? FileManager.default.removeItem(atPath: root)
    }

    /// A partition on broker `node`, leading at epoch 1 when `leader`, else following broker 1 at epoch 1.
    private func partition(node: Int32, leader: Bool) async throws -> Partition {
        let log = try PartitionLog(directory: "\(root!)/\(node)/orders-0", topicPartition: tp, config: LogConfig(),
                                   recoveryPoint: 0, logStartOffset: nil, cleanShutdown: false, now: 0)
        let partition = Partition(topicPartition: tp, log: log, eventLoop: group.next(), threadPool: pool,
                                  logger: Logger(label: "test"), clock: { 1_000 }, nodeId: node)
        try await partition.updateReplica { state in
            if leader {
                return (try? state.becameLeader(epoch: 1, partitionEpoch: 1, replicas: [node], isr: [node],
                                                logEnd: state.logEndOffset, now: 0).get()) ?? []
            }
            _ = state.becameFollower(leader: 1, epoch: 1)
            return []
        }.get()
        return partition
    }

    private func batch(producerId: Int64 = -1, epoch: Int16 = -1, sequence: Int32 = -1, transactional: Bool = false,
                       records: Int = 1) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(producerId: producerId, producerEpoch: epoch, baseSequence: sequence,
                                         isTransactional: transactional)
        for i in 0..<records { builder.append(key: nil, value: ByteBuffer(string: "v\(i)"), headers: [], timestamp: 5) }
        return try builder.build()
    }

    /// Copies what the leader has beyond the follower's log end, as one fetch would, with the leader's log end as its HW.
    @discardableResult
    private func replicate(_ leader: Partition, to follower: Partition) async throws -> Int64 {
        let followerEnd = try await follower.offsets().get().logEndOffset
        let (records, highWatermark) = try await leader.eventLoop.submit {
            (try leader.log.read(from: followerEnd, maxBytes: 1 << 20, upTo: leader.log.logEndOffset, minOneBatch: true).records,
             leader.log.highWatermark)
        }.get()
        return try await follower.appendAsFollower(records: records, leaderHighWatermark: highWatermark).get()
    }

    /// Idempotent batches of producer 10, an aborted transaction of 20 and an open one of 21.
    private func produceMix(on leader: Partition) async throws {
        _ = try await leader.append([try batch(producerId: 10, epoch: 0, sequence: 0, records: 2)], durable: true, logAppendTime: false).get()
        _ = try await leader.append([try batch(producerId: 20, epoch: 3, sequence: 0, transactional: true)], durable: true, logAppendTime: false).get()
        _ = try await leader.append([try batch(producerId: 10, epoch: 0, sequence: 2, records: 3)], durable: true, logAppendTime: false).get()
        _ = try await leader.appendMarker(producerId: 20, producerEpoch: 3, commit: false, coordinatorEpoch: 7).get()
        _ = try await leader.append([try batch(producerId: 21, epoch: 0, sequence: 0, transactional: true)], durable: true, logAppendTime: false).get()
    }

    private func state(_ partition: Partition) async throws -> (Set<ProducerStateEntry>, [AbortedTxn], Partition.Offsets) {
        try await partition.eventLoop.submit {
            (Set(partition.producers.producers.values), partition.abortedTxns, partition.currentOffsets)
        }.get()
    }

    func testFollowerEndsWithTheLeadersProducerStateAndRecognisesRetriesAfterBecomingLeader() async throws {
        let leader = try await partition(node: 1, leader: true)
        let follower = try await partition(node: 2, leader: false)
        try await produceMix(on: leader)
        let end = try await replicate(leader, to: follower)
        XCTAssertEqual(end, 8)

        let (leaderProducers, leaderAborted, leaderOffsets) = try await state(leader)
        let (producers, aborted, offsets) = try await state(follower)
        XCTAssertEqual(producers, leaderProducers)
        XCTAssertEqual(producers.first { $0.producerId == 20 }?.coordinatorEpoch, 7)
        XCTAssertEqual(aborted, leaderAborted)
        XCTAssertEqual(aborted.map { [$0.producerId, $0.firstOffset, $0.lastOffset] }, [[20, 2, 6]])
        XCTAssertEqual(offsets.highWatermark, 8)
        XCTAssertEqual(offsets.lastStableOffset, 7, "producer 21's transaction is open from offset 7")
        XCTAssertEqual(offsets.lastStableOffset, leaderOffsets.lastStableOffset)
        let onDisk = try await follower.eventLoop.submit { try follower.log.loadAbortedTxns() }.get()
        XCTAssertEqual(onDisk, leaderAborted)
        let leaderEpochs = try await leader.eventLoop.submit { leader.log.leaderEpochs }.get()
        let followerEpochs = try await follower.eventLoop.submit { follower.log.leaderEpochs }.get()
        XCTAssertEqual(followerEpochs, leaderEpochs)

        // Failover: the follower leads; producer 10's retry of its last batch gets the original offsets.
        try await follower.updateReplica { state in
            (try? state.becameLeader(epoch: 2, partitionEpoch: 2, replicas: [2], isr: [2], logEnd: state.logEndOffset,
                                     now: 0).get()) ?? []
        }.get()
        let retried = try await follower.append([try batch(producerId: 10, epoch: 0, sequence: 2, records: 3)], durable: true,
                                                logAppendTime: false).get()
        XCTAssertEqual([retried.firstOffset, retried.lastOffset], [3, 5])
        let endAfterRetry = try await follower.offsets().get().logEndOffset
        XCTAssertEqual(endAfterRetry, 8, "a duplicate is not appended")
        do {
            _ = try await follower.append([try batch(producerId: 10, epoch: 0, sequence: 9)], durable: true, logAppendTime: false).get()
            XCTFail("a sequence gap was accepted")
        } catch {
            XCTAssertEqual(error as? ErrorCode, .outOfOrderSequenceNumber)
        }
        let next = try await follower.append([try batch(producerId: 10, epoch: 0, sequence: 5)], durable: true, logAppendTime: false).get()
        XCTAssertEqual(next.firstOffset, 8)
        // The transaction of 21 is still open there: its commit closes it.
        _ = try await follower.appendMarker(producerId: 21, producerEpoch: 0, commit: true, coordinatorEpoch: 7).get()
        let closed = try await follower.offsets().get()
        XCTAssertEqual(closed.lastStableOffset, closed.highWatermark)
    }

    func testHighWatermarkIsTheSmallerOfTheLeadersAndOurLogEnd() async throws {
        let follower = try await partition(node: 2, leader: false)
        var records = try batch(records: 3)
        records.setInteger(Int64(0), at: RecordBatchHeader.baseOffsetPosition)
        let appendedEnd = try await follower.appendAsFollower(records: records, leaderHighWatermark: 2).get()
        XCTAssertEqual(appendedEnd, 3)
        let cappedHighWatermark = try await follower.offsets().get().highWatermark
        XCTAssertEqual(cappedHighWatermark, 2)
        // A fetch with no batch still brings the leader's high watermark, capped at our log end.
        let emptyFetchEnd = try await follower.appendAsFollower(records: ByteBuffer(), leaderHighWatermark: 50).get()
        XCTAssertEqual(emptyFetchEnd, 3)
        let raisedHighWatermark = try await follower.offsets().get().highWatermark
        XCTAssertEqual(raisedHighWatermark, 3)
        let leader = try await partition(node: 1, leader: true)
        do {
            _ = try await leader.appendAsFollower(records: records, leaderHighWatermark: 3).get()
            XCTFail("a leader copied another replica's batches")
        } catch {
            XCTAssertEqual(error as? FollowerPartitionError, .leading(epoch: 1))
        }
    }

    func testTruncationRebuildsProducerStateAndAbortedTransactions() async throws {
        let leader = try await partition(node: 1, leader: true)
        let follower = try await partition(node: 2, leader: false)
        try await produceMix(on: leader)
        try await replicate(leader, to: follower)
        // Snapshots at and past the truncation point must not survive it.
        try await follower.eventLoop.submit {
            try PartitionLog.writeProducerSnapshot(follower.producers, directory: follower.log.directory)
        }.get()

        // The new leader's log diverges at offset 3: the batch of sequences 2..4 and the abort are gone.
        let truncatedEnd = try await follower.truncateAsFollower(to: 3).get()
        XCTAssertEqual(truncatedEnd, 3)
        let (producers, aborted, offsets) = try await state(follower)
        XCTAssertEqual(aborted, [])
        XCTAssertEqual(offsets.logEndOffset, 3)
        XCTAssertEqual(offsets.highWatermark, 3)
        XCTAssertEqual(producers.first { $0.producerId == 10 }?.lastSequence, 1)
        XCTAssertEqual(producers.first { $0.producerId == 20 }?.currentTxnFirstOffset, 2, "the abort was cut: open again")
        XCTAssertNil(producers.first { $0.producerId == 21 })
        XCTAssertEqual(offsets.lastStableOffset, 2)
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: "\(root!)/2/orders-0").filter { $0.hasSuffix(".snapshot") }
        XCTAssertEqual(snapshots, [])

        // As leader, the retry of the truncated batch is appended anew, not answered as a duplicate.
        try await follower.updateReplica { state in
            (try? state.becameLeader(epoch: 2, partitionEpoch: 2, replicas: [2], isr: [2], logEnd: state.logEndOffset,
                                     now: 0).get()) ?? []
        }.get()
        let retried = try await follower.append([try batch(producerId: 10, epoch: 0, sequence: 2, records: 3)], durable: true,
                                                logAppendTime: false).get()
        XCTAssertEqual(retried.firstOffset, 3)
        let older = try await follower.append([try batch(producerId: 10, epoch: 0, sequence: 0, records: 2)], durable: true,
                                              logAppendTime: false).get()
        XCTAssertEqual(older.firstOffset, 0, "batches below the truncation point are still duplicates")
    }

    func testTruncateFullyEmptiesProducerStateAndRestartsAtTheLeadersLogStart() async throws {
        let leader = try await partition(node: 1, leader: true)
        let follower = try await partition(node: 2, leader: false)
        try await produceMix(on: leader)
        try await replicate(leader, to: follower)
        let restartedEnd = try await follower.truncateFullyAsFollower(restartingAt: 40).get()
        XCTAssertEqual(restartedEnd, 40)
        let (producers, aborted, offsets) = try await state(follower)
        XCTAssertEqual(producers, [])
        XCTAssertEqual(aborted, [])
        XCTAssertEqual([offsets.logStartOffset, offsets.logEndOffset, offsets.highWatermark], [40, 40, 40])
        var records = try batch(records: 2)
        records.setInteger(Int64(40), at: RecordBatchHeader.baseOffsetPosition)
        let appendedEnd = try await follower.appendAsFollower(records: records, leaderHighWatermark: 42).get()
        XCTAssertEqual(appendedEnd, 42)
        let highWatermark = try await follower.offsets().get().highWatermark
        XCTAssertEqual(highWatermark, 42)
        // Truncating to below the log start leaves nothing readable: the log restarts there.
        let truncatedEnd = try await follower.truncateAsFollower(to: 39).get()
        XCTAssertEqual(truncatedEnd, 39)
        let restartedStart = try await follower.offsets().get().logStartOffset
        XCTAssertEqual(restartedStart, 39)
    }

    func testAppendCompletesOnlyAfterItsFsync() async throws {
        let leader = try await partition(node: 1, leader: true)
        let follower = try await partition(node: 2, leader: false)
        try await produceMix(on: leader)
        let end = try await replicate(leader, to: follower)
        let durable = try await follower.eventLoop.submit { (follower.log.recoveryPoint, follower.replica.flushedOffset) }.get()
        XCTAssertEqual(durable.0, end)
        XCTAssertEqual(durable.1, end)

        // The fsync fails: the append fails, and the directory goes offline as on the leader path.
        try await follower.currentFlush().get()
        StorageFaults.inject(.fsync, errno: EIO, pathContains: "\(root!)/2/")
        _ = try await leader.append([try batch(producerId: 10, epoch: 0, sequence: 5)], durable: true, logAppendTime: false).get()
        do {
            try await replicate(leader, to: follower)
            XCTFail("answered although the fsync failed")
        } catch {
            switch error as? StorageError {
            case .io?, .logDirectoryOffline?: break
            default: XCTFail("\(error)")
            }
        }
        XCTAssertNotNil(follower.log.health.offlineReason)
        do {
            _ = try await follower.appendAsFollower(records: ByteBuffer(), leaderHighWatermark: 10).get()
            XCTFail("an offline directory took an append")
        } catch {
            guard case StorageError.logDirectoryOffline = error else { return XCTFail("\(error)") }
        }
    }
}
