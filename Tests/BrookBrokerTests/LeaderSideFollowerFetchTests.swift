@testable import BrookBroker
import BrookProtocol
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import XCTest

/// The leader's side of replication: a Fetch with a replica id ≥ 0 comes from a follower broker.
/// This broker (node 1) leads partition 0 with replicas [1, 2], set through `Partition.updateReplica`.
final class LeaderSideFollowerFetchTests: XCTestCase {
    private typealias Support = ReplicationFetchSupport

    private func makeLeader(_ broker: TestBroker, _ topic: String, epoch: Int32 = 1) async throws -> Partition {
        try await broker.broker.topics.createTopic(name: topic, partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let partition = try XCTUnwrap(broker.broker.topics.topic(named: topic)?.partition(0))
        try await Support.lead(partition, epoch: epoch, replicas: [1, 2])
        return partition
    }

    func testFollowerReadsPastTheHighWatermarkAndItsFetchesAdvanceItAndAnswerAcksAll() async throws {
        let broker = try await TestBroker { $0.nodeId = 1 }
        defer { broker.removeData() }
        do {
            let partition = try await makeLeader(broker, "replicated")
            try await Support.append(partition, ["a", "b"])
            let client = try RawKafkaClient(port: broker.port)

            let consumer = try Support.fetch(client, Support.fetchRequest("replicated", replicaId: -1, offset: 0))
            XCTAssertEqual(consumer.highWatermark, 0)
            XCTAssertTrue(Support.batches(consumer.records).isEmpty, "consumers read below the high watermark only")

            let first = try Support.fetch(client, Support.fetchRequest("replicated", replicaId: 2, offset: 0,
                                                                         currentLeaderEpoch: 1))
            XCTAssertEqual(first.errorCode, 0)
            XCTAssertEqual(Support.batches(first.records).map(\.offset), [0, 1], "a follower reads up to the log end")
            XCTAssertEqual(Support.batches(first.records).map(\.epoch), [1, 1])
            XCTAssertEqual(first.highWatermark, 0)
            XCTAssertNil(first.abortedTransactions)

            let answered = NIOLockedValueBox(false)
            let acked = partition.append([try Support.batch("c")], durable: true, logAppendTime: false)
            acked.whenComplete { _ in answered.withLockedValue { $0 = true } }
            try await partition.currentFlush().get()
            XCTAssertFalse(answered.withLockedValue { $0 }, "acks=all answered before the follower had the batch")

            let second = try Support.fetch(client, Support.fetchRequest("replicated", replicaId: 2, offset: 2,
                                                                          currentLeaderEpoch: 1, lastFetchedEpoch: 1))
            XCTAssertEqual(Support.batches(second.records).map(\.offset), [2])
            XCTAssertEqual(second.highWatermark, 2, "the follower's fetch offset is its log end")
            XCTAssertFalse(answered.withLockedValue { $0 }, "answered before the follower reported offset 2 on disk")

            let third = try Support.fetch(client, Support.fetchRequest("replicated", replicaId: 2, offset: 3,
                                                                         currentLeaderEpoch: 1, lastFetchedEpoch: 1))
            XCTAssertEqual(third.errorCode, 0)
            XCTAssertTrue(Support.batches(third.records).isEmpty)
            XCTAssertEqual(third.highWatermark, 3)
            XCTAssertTrue(answered.withLockedValue { $0 }, "the follower's fetch at the log end completes acks=all")
            if answered.withLockedValue({ $0 }) {
                let result = try await acked.get()
                XCTAssertEqual(result.lastOffset, 2)
            }
            let after = try Support.fetch(client, Support.fetchRequest("replicated", replicaId: -1, offset: 0))
            XCTAssertEqual(after.highWatermark, 3)
            XCTAssertEqual(Support.batches(after.records).map(\.offset), [0, 1, 2])
        }
        try await broker.stop()
    }

    func testEpochFencingAndReplicaChecks() async throws {
        let broker = try await TestBroker { $0.nodeId = 1 }
        defer { broker.removeData() }
        do {
            let partition = try await makeLeader(broker, "fenced", epoch: 4)
            try await Support.append(partition, ["a"])
            let client = try RawKafkaClient(port: broker.port)
            func code(replica: Int32 = 2, offset: Int64 = 0, epoch: Int32) throws -> Int16 {
                try Support.fetch(client, Support.fetchRequest("fenced", replicaId: replica, offset: offset,
                                                               currentLeaderEpoch: epoch)).errorCode
            }
            XCTAssertEqual(try code(epoch: 3), ErrorCode.fencedLeaderEpoch.rawValue)
            XCTAssertEqual(try code(epoch: 5), ErrorCode.unknownLeaderEpoch.rawValue)
            XCTAssertEqual(try code(replica: 3, epoch: 4), ErrorCode.unknownLeaderEpoch.rawValue,
                           "not an assigned replica at our epoch: perhaps one we have not heard of yet")
            XCTAssertEqual(try code(replica: 3, epoch: -1), ErrorCode.notLeaderOrFollower.rawValue)
            XCTAssertEqual(try code(offset: 5, epoch: 4), ErrorCode.offsetOutOfRange.rawValue)
            let refused = try Support.fetch(client, Support.fetchRequest("fenced", replicaId: 2, offset: 0, currentLeaderEpoch: 3))
            XCTAssertEqual(refused.highWatermark, -1)
            XCTAssertTrue(Support.batches(refused.records).isEmpty)
            XCTAssertEqual(try code(epoch: 4), 0)
            XCTAssertEqual(try code(epoch: -1), 0, "no epoch given: not checked")
            let unknown = try client.request(Support.fetchRequest("nope", replicaId: 2, offset: 0), version: 12,
                                             as: FetchResponse.self)
            XCTAssertEqual(unknown.responses.first?.partitions.first?.errorCode, ErrorCode.unknownTopicOrPartition.rawValue)

            try await partition.updateReplica { state in
                _ = state.becameFollower(leader: 2, epoch: 5)
                return []
            }.get()
            XCTAssertEqual(try code(epoch: 5), ErrorCode.notLeaderOrFollower.rawValue)
        }
        try await broker.stop()
    }

    func testDivergingEpochIsAnsweredAtOnceWithoutRecordsOrProgress() async throws {
        let broker = try await TestBroker { $0.nodeId = 1 }
        defer { broker.removeData() }
        do {
            // Epoch 0: offsets 0–1; epoch 2: offset 2; led at epoch 3 from offset 3.
            try await broker.broker.topics.createTopic(name: "diverged", partitions: 1, replicationFactor: 1, configs: [:],
                                                 validateOnly: false)
            let partition = try XCTUnwrap(broker.broker.topics.topic(named: "diverged")?.partition(0))
            try await Support.append(partition, ["a", "b"])
            try await Support.lead(partition, epoch: 2, replicas: [1, 2])
            try await Support.append(partition, ["c"])
            try await Support.lead(partition, epoch: 3, replicas: [1, 2])
            let client = try RawKafkaClient(port: broker.port)
            func fetch(offset: Int64, lastEpoch: Int32, wait: Int32 = 0) throws -> FetchResponse.PartitionData {
                try Support.fetch(client, Support.fetchRequest("diverged", replicaId: 2, offset: offset, currentLeaderEpoch: 3,
                                                               lastFetchedEpoch: lastEpoch, maxWaitMs: wait, minBytes: 1))
            }

            // The follower wrote epoch 1 (which we never had) up to offset 4: truncate to epoch 0's end.
            let started = Date()
            let unknownEpoch = try fetch(offset: 4, lastEpoch: 1, wait: 20_000)
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "a diverging epoch is answered without waiting")
            XCTAssertEqual(unknownEpoch.errorCode, 0)
            XCTAssertEqual(unknownEpoch.divergingEpoch, .init(epoch: 0, endOffset: 2))
            XCTAssertTrue(Support.batches(unknownEpoch.records).isEmpty)
            // It has epoch 0 beyond where our epoch 0 ends.
            XCTAssertEqual(try fetch(offset: 3, lastEpoch: 0).divergingEpoch, .init(epoch: 0, endOffset: 2))
            // Offsets 0–1 were committed while the partition had one replica; counting offset 3 would give 3.
            XCTAssertEqual(try Support.fetch(client, Support.fetchRequest("diverged", replicaId: -1, offset: 0)).highWatermark, 2,
                           "a diverging follower's offset is not counted")

            // In step: records, no divergence, and the fetch counts.
            let inStep = try fetch(offset: 2, lastEpoch: 0)
            XCTAssertEqual(inStep.divergingEpoch, .init(epoch: -1, endOffset: -1))
            XCTAssertEqual(Support.batches(inStep.records).map(\.offset), [2])
            XCTAssertEqual(Support.batches(inStep.records).map(\.epoch), [2])
            let caughtUp = try fetch(offset: 3, lastEpoch: 2)
            XCTAssertEqual(caughtUp.divergingEpoch, .init(epoch: -1, endOffset: -1))
            XCTAssertEqual(caughtUp.highWatermark, 3)
            XCTAssertEqual(try fetch(offset: 3, lastEpoch: 7).errorCode, ErrorCode.offsetOutOfRange.rawValue,
                           "an epoch newer than ours has no end offset here")
        }
        try await broker.stop()
    }

    func testParkedFollowerFetchWakesOnAnAppendThoughTheHighWatermarkWaits() async throws {
        let broker = try await TestBroker { $0.nodeId = 1 }
        defer { broker.removeData() }
        do {
            let partition = try await makeLeader(broker, "parked")
            try await Support.append(partition, ["a"])
            let client = try RawKafkaClient(port: broker.port)
            let request = Support.fetchRequest("parked", replicaId: 2, offset: 1, currentLeaderEpoch: 1, lastFetchedEpoch: 1,
                                               maxWaitMs: 20_000, minBytes: 1)
            let (frame, id) = client.frame(request, version: 12)
            client.sendRaw(frame)
            let deadline = Date().addingTimeInterval(10)
            while try await partition.fetchWaiterCount().get() == 0, Date() < deadline { try await Task.sleep(nanoseconds: 10_000_000) }
            let parked = try await partition.fetchWaiterCount().get()
            XCTAssertEqual(parked, 1, "the follower's fetch never parked")

            let started = Date()
            try await Support.append(partition, ["b"])
            // Bounded by the client's 10 s receive timeout.
            var body = try XCTUnwrap(client.readFrame())
            XCTAssertLessThan(Date().timeIntervalSince(started), 5, "woken by the append, not by max_wait_ms")
            XCTAssertEqual(try ResponseHeader(from: &body, headerVersion: 1).correlationId, id)
            let data = try XCTUnwrap(try FetchResponse(from: &body, version: 12).responses.first?.partitions.first)
            XCTAssertEqual(Support.batches(data.records).map(\.offset), [1])
            XCTAssertEqual(data.highWatermark, 1, "the follower's parked fetch counted it at offset 1")
            let left = try await partition.fetchWaiterCount().get()
            XCTAssertEqual(left, 0)

            // A transaction marker is an append too.
            let atTwo = Support.fetchRequest("parked", replicaId: 2, offset: 2, currentLeaderEpoch: 1, lastFetchedEpoch: 1,
                                             maxWaitMs: 20_000, minBytes: 1)
            client.sendRaw(client.frame(atTwo, version: 12).0)
            while try await partition.fetchWaiterCount().get() == 0, Date() < deadline + 10 {
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            let markerStarted = Date()
            _ = partition.appendMarker(producerId: 7, producerEpoch: 0, commit: false, coordinatorEpoch: 0)
            var markerBody = try XCTUnwrap(client.readFrame())
            XCTAssertLessThan(Date().timeIntervalSince(markerStarted), 5, "woken by the marker, not by max_wait_ms")
            _ = try ResponseHeader(from: &markerBody, headerVersion: 1)
            let marker = try XCTUnwrap(try FetchResponse(from: &markerBody, version: 12).responses.first?.partitions.first)
            XCTAssertEqual(Support.batches(marker.records).map(\.offset), [2])
        }
        try await broker.stop()
    }

    func testTheFollowerIsNamedByReplicaIdThenByReplicaState() {
        var request = FetchRequest(replicaId: 2)
        XCTAssertEqual(request.followerReplicaId(version: 14), 2)
        XCTAssertEqual(request.followerReplicaId(version: 4), 2)
        XCTAssertNil(request.followerReplicaId(version: 3), "down-converting versions serve consumers only")
        XCTAssertNil(request.followerReplicaId(version: 15), "v15 names the replica in ReplicaState")
        request.replicaState = .init(replicaId: 3, replicaEpoch: 7)
        XCTAssertEqual(request.followerReplicaId(version: 15), 3)
        XCTAssertNil(FetchRequest(replicaId: -1).followerReplicaId(version: 12))
        XCTAssertNil(FetchRequest(replicaId: -2).followerReplicaId(version: 12), "the debugging consumer")
    }
}
