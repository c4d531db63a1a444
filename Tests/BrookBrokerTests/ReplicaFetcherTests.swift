@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookRecords
@testable import BrookStorage
import NIOConcurrencyHelpers
import NIOCore
import XCTest

/// Two real brokers in one process: broker 2's fetcher copies what broker 1 leads, over the network.
final class ReplicaFetcherTests: XCTestCase {
    private typealias Support = ReplicationFetchSupport
    private let tp = TopicPartition(topic: "replicated", partition: 0)

    private func endpoint(_ broker: TestBroker) -> BrokerEndpoint {
        BrokerEndpoint(nodeId: broker.broker.config.nodeId, host: "127.0.0.1", port: Int32(broker.port))
    }

    private func createTopic(on broker: TestBroker) async throws -> Partition {
        try await broker.broker.topics.createTopic(name: tp.topic, partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        return try XCTUnwrap(broker.broker.topics.topic(named: tp.topic)?.partition(0))
    }

    /// Every whole batch of the partition's log, as stored.
    private func storedBatches(_ partition: Partition) async throws -> [ByteBuffer] {
        try await partition.eventLoop.submit { () throws -> [ByteBuffer] in
            let log = partition.log
            guard log.logEndOffset > log.logStartOffset,
                  let slice = try log.slice(from: log.logStartOffset, maxBytes: 1 << 24, upTo: log.logEndOffset,
                                            minOneBatch: true) else { return [] }
            defer { slice.file.release() }
            var reader = LogSliceBatchReader(slice)
            var batches: [ByteBuffer] = []
            while let batch = try reader.next() { batches.append(batch) }
            return batches
        }.get()
    }

    /// (base offset, leader epoch) of each stored batch.
    private func positions(_ partition: Partition) async throws -> [[Int64]] {
        try await storedBatches(partition).compactMap { RecordBatchHeader(peekingAt: $0) }
            .map { [$0.baseOffset, Int64($0.partitionLeaderEpoch)] }
    }

    private func replicaState(_ partition: Partition) async throws -> PartitionReplicaState {
        try await partition.eventLoop.submit { partition.replica }.get()
    }

    /// Waits (bounded) for a condition only a later fetch round makes true.
    private func eventually(_ what: String, timeout: Duration = .seconds(10),
                            _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        XCTFail("timed out waiting for \(what)")
    }

    /// Awaits `future`, failing after `seconds`: broken replication must not hang the test.
    private func bounded<T: Sendable>(_ future: EventLoopFuture<T>, _ what: String, seconds: Int64 = 15) async throws -> T {
        let loop = future.eventLoop
        let promise = loop.makePromise(of: T.self)
        let settled = NIOLockedValueBox(false)
        @Sendable func settle() -> Bool { settled.withLockedValue { was in defer { was = true }; return !was } }
        let timer = loop.scheduleTask(in: .seconds(seconds)) {
            if settle() { promise.fail(BoundedWaitTimedOut(what: what)) }
        }
        future.whenComplete { result in
            timer.cancel()
            if settle() { promise.completeWith(result) }
        }
        return try await promise.futureResult.get()
    }

    private func appendAcksAll(_ partition: Partition, _ value: String) -> EventLoopFuture<Partition.Appended> {
        do {
            return partition.append([try Support.batch(value)], durable: true, logAppendTime: false)
        } catch {
            return partition.eventLoop.makeFailedFuture(error)
        }
    }

    func testFollowerCopiesTheLeadersBatchesAndAcksAllWaitsForItsFsync() async throws {
        try await TestBroker.withNodesOneAndTwo { one, two in
            let leader = try await createTopic(on: one)
            let follower = try await createTopic(on: two)
            try await Support.lead(leader, epoch: 1, replicas: [1, 2])
            try await Support.append(leader, ["a", "b"])

            let answered = NIOLockedValueBox(false)
            let acked = appendAcksAll(leader, "c")
            acked.whenComplete { _ in answered.withLockedValue { $0 = true } }
            try await leader.currentFlush().get()
            XCTAssertFalse(answered.withLockedValue { $0 }, "acks=all answered with no follower fetching")

            try await two.broker.replicaFetchers.follow(tp, leader: endpoint(one), epoch: 1).get()
            let followerRole = try await replicaState(follower).role
            XCTAssertEqual(followerRole, .follower(leader: 1))
            let appended = try await bounded(acked, "acks=all")
            XCTAssertEqual(appended.lastOffset, 2)
            let atAck = try await replicaState(follower)
            XCTAssertGreaterThanOrEqual(atAck.flushedOffset, 3, "acks=all answered before the follower's fsync")

            let leaderBatches = try await storedBatches(leader)
            let followerBatches = try await storedBatches(follower)
            XCTAssertEqual(leaderBatches.count, 3)
            XCTAssertEqual(followerBatches, leaderBatches, "the follower stores the leader's bytes")
            let followerPositions = try await positions(follower)
            XCTAssertEqual(followerPositions, [[0, 1], [1, 1], [2, 1]])

            let leaderHigh = try await leader.offsets().get().highWatermark
            XCTAssertEqual(leaderHigh, 3)
            try await eventually("the follower's high watermark") {
                try await follower.offsets().get().highWatermark == 3
            }
        }
    }

    func testFollowerWithExtraRecordsOfAnOlderEpochTruncatesAtTheDivergenceThenCatchesUp() async throws {
        try await TestBroker.withNodesOneAndTwo { one, two in
            let p1 = try await createTopic(on: one)
            let p2 = try await createTopic(on: two)
            // Epoch 1: broker 2 leads; broker 1 copies a and b, then stops following.
            try await Support.lead(p2, epoch: 1, replicas: [1, 2])
            try await one.broker.replicaFetchers.follow(tp, leader: endpoint(two), epoch: 1).get()
            _ = try await bounded(appendAcksAll(p2, "a"), "acks=all")
            _ = try await bounded(appendAcksAll(p2, "b"), "acks=all")
            try await one.broker.replicaFetchers.stopFollowing(tp).get()
            // Broker 2 writes x and y that never reach broker 1.
            try await Support.append(p2, ["x", "y"])
            let before = try await positions(p2)
            XCTAssertEqual(before, [[0, 1], [1, 1], [2, 1], [3, 1]])

            // Epoch 2: broker 1 leads and writes c and d; broker 2 follows.
            try await Support.lead(p1, epoch: 2, replicas: [1, 2])
            try await Support.append(p1, ["c", "d"])
            try await two.broker.replicaFetchers.follow(tp, leader: endpoint(one), epoch: 2).get()
            let appended = try await bounded(appendAcksAll(p1, "e"), "acks=all")
            XCTAssertEqual(appended.lastOffset, 4)

            let after = try await positions(p2)
            XCTAssertEqual(after, [[0, 1], [1, 1], [2, 2], [3, 2], [4, 2]], "x and y were cut, c, d and e copied")
            let leaderBatches = try await storedBatches(p1)
            let followerBatches = try await storedBatches(p2)
            XCTAssertEqual(followerBatches, leaderBatches)
            let epochs = try await p2.eventLoop.submit { p2.log.leaderEpochs }.get()
            XCTAssertEqual(epochs, [EpochEntry(epoch: 1, startOffset: 0), EpochEntry(epoch: 2, startOffset: 2)])
        }
    }

    func testFetcherReconnectsAfterTheLeaderRestartsAndResumes() async throws {
        let one = try await TestBroker { $0.nodeId = 1 }
        defer { one.removeData() }
        let two = try await TestBroker { $0.nodeId = 2 }
        defer { two.removeData() }
        var restarted: TestBroker?
        var oneStopped = false
        var failure: Error?
        do {
            let leader = try await createTopic(on: one)
            let follower = try await createTopic(on: two)
            try await Support.lead(leader, epoch: 1, replicas: [1, 2])
            try await two.broker.replicaFetchers.follow(tp, leader: endpoint(one), epoch: 1).get()
            _ = try await bounded(appendAcksAll(leader, "a"), "acks=all")

            let port = one.port
            oneStopped = true
            try await one.stop()
            let again = try await TestBroker(dataDir: one.dataDir) { $0.nodeId = 1; $0.listenPort = port }
            restarted = again
            XCTAssertEqual(again.port, port)
            let reopened = try XCTUnwrap(again.broker.topics.topic(named: tp.topic)?.partition(0))
            try await Support.lead(reopened, epoch: 1, replicas: [1, 2])
            _ = try await bounded(appendAcksAll(reopened, "b"), "acks=all")

            let leaderBatches = try await storedBatches(reopened)
            let followerBatches = try await storedBatches(follower)
            XCTAssertEqual(leaderBatches.count, 2)
            XCTAssertEqual(followerBatches, leaderBatches)
        } catch {
            failure = error
        }
        try await two.stop()
        if !oneStopped { try await one.stop() }
        try await restarted?.stop()
        if let failure { throw failure }
    }

    func testStoppingTheFetcherLeavesNoConnectionOrTaskBehind() async throws {
        try await TestBroker.withNodesOneAndTwo { one, two in
            let leader = try await createTopic(on: one)
            _ = try await createTopic(on: two)
            try await Support.lead(leader, epoch: 1, replicas: [1, 2])
            let manager = two.broker.replicaFetchers
            try await manager.follow(tp, leader: endpoint(one), epoch: 1).get()
            _ = try await bounded(appendAcksAll(leader, "a"), "acks=all")
            let fetcher = try XCTUnwrap(manager.fetcher(for: tp))
            let running = try await fetcher.activity().get()
            XCTAssertTrue(running.connected)
            XCTAssertEqual(manager.fetcherCount, 1)

            try await manager.stopFollowing(tp).get()
            XCTAssertEqual(manager.fetcherCount, 0)
            XCTAssertNil(manager.fetcher(for: tp))
            let stopped = try await fetcher.activity().get()
            XCTAssertEqual(stopped, ReplicaFetcherActivity(connected: false, busy: false, retryScheduled: false))
        }
    }

    func testFollowerBelowTheLeadersLogStartRestartsThereAndFollowsItsLogStart() async throws {
        try await TestBroker.withNodesOneAndTwo { one, two in
            let leader = try await createTopic(on: one)
            let follower = try await createTopic(on: two)
            // Broker 2 is an assigned replica outside the ISR, so the high watermark (and
            // DeleteRecords) moves without it.
            try await Support.lead(leader, epoch: 1, replicas: [1, 2], isr: [1])
            try await Support.append(leader, ["a", "b", "c"])
            let start = try await leader.deleteRecords(before: 2, fileDeleteDelayMs: 0).get()
            XCTAssertEqual(start, 2)

            try await two.broker.replicaFetchers.follow(tp, leader: endpoint(one), epoch: 1).get()
            try await eventually("the follower to copy from the leader's log start") {
                try await follower.offsets().get().logEndOffset == 3
            }
            let offsets = try await follower.offsets().get()
            XCTAssertEqual(offsets.logStartOffset, 2, "OFFSET_OUT_OF_RANGE below the log start restarts the log there")
            let copied = try await positions(follower)
            XCTAssertEqual(copied, [[2, 1]])
            let leaderBatches = try await storedBatches(leader)
            let followerBatches = try await storedBatches(follower)
            XCTAssertEqual(followerBatches, leaderBatches)

            // DeleteRecords on the leader reaches the follower with the next answers.
            _ = try await leader.deleteRecords(before: 3, fileDeleteDelayMs: 0).get()
            try await Support.append(leader, ["d"])
            try await eventually("the follower's log start to follow the leader's") {
                try await follower.offsets().get().logStartOffset == 3
            }
        }
    }

    func testPartitionsOfOneLeaderShareOneFetcher() async throws {
        try await TestBroker.withNodesOneAndTwo { one, two in
            var leaders: [Partition] = []
            var followers: [Partition] = []
            for (broker, isLeader) in [(one, true), (two, false)] {
                try await broker.broker.topics.createTopic(name: "orders", partitions: 2, replicationFactor: 1, configs: [:],
                                                     validateOnly: false)
                try await broker.broker.topics.createTopic(name: "audit", partitions: 1, replicationFactor: 1, configs: [:],
                                                     validateOnly: false)
                for (topic, index) in [("orders", Int32(0)), ("orders", 1), ("audit", 0)] {
                    let partition = try XCTUnwrap(broker.broker.topics.topic(named: topic)?.partition(index))
                    if isLeader { leaders.append(partition) } else { followers.append(partition) }
                }
            }
            let manager = two.broker.replicaFetchers
            for leader in leaders {
                try await Support.lead(leader, epoch: 1, replicas: [1, 2])
                try await manager.follow(leader.topicPartition, leader: endpoint(one), epoch: 1).get()
            }
            XCTAssertEqual(manager.fetcherCount, 1, "one connection per leader broker")
            for (index, leader) in leaders.enumerated() {
                for value in 0...index {
                    _ = try await bounded(appendAcksAll(leader, "\(leader.topicPartition)-\(value)"), "acks=all")
                }
            }
            for (leader, follower) in zip(leaders, followers) {
                let leaderBatches = try await storedBatches(leader)
                let followerBatches = try await storedBatches(follower)
                XCTAssertEqual(followerBatches, leaderBatches, "\(leader.topicPartition)")
            }
            try await manager.stopFollowing(leaders[0].topicPartition).get()
            XCTAssertEqual(manager.fetcherCount, 1, "still used by the other partitions")
        }
    }

    func testAFollowerWhoseFsyncFailsStopsCopyingThatPartition() async throws {
        try await TestBroker.withNodesOneAndTwo { one, two in
            defer { StorageFaults.clear(pathContains: two.dataDir) }
            let leader = try await createTopic(on: one)
            let follower = try await createTopic(on: two)
            try await Support.lead(leader, epoch: 1, replicas: [1, 2])
            let manager = two.broker.replicaFetchers
            try await manager.follow(tp, leader: endpoint(one), epoch: 1).get()
            _ = try await bounded(appendAcksAll(leader, "a"), "acks=all")
            let fetcher = try XCTUnwrap(manager.fetcher(for: tp))

            StorageFaults.inject(.fsync, errno: EIO, pathContains: two.dataDir + "/\(tp.topic)-0/")
            let answered = NIOLockedValueBox(false)
            appendAcksAll(leader, "b").whenComplete { _ in answered.withLockedValue { $0 = true } }
            try await eventually("the follower's partition to fail") {
                try await fetcher.snapshot().get()[tp]?.phase == .failed
            }
            let followerOffsets = try await follower.offsets().get()
            XCTAssertEqual(followerOffsets.highWatermark, 1, "nothing past the failed fsync counts as copied")
            let leaderOffsets = try await leader.offsets().get()
            XCTAssertEqual(leaderOffsets.highWatermark, 1)
            XCTAssertFalse(answered.withLockedValue { $0 }, "acks=all answered without the follower's fsync")
        }
    }
}

/// A bounded wait in these tests ran out.
private struct BoundedWaitTimedOut: Error {
    var what: String
}
