@testable import BrookBroker
import BrookCluster
import BrookProtocol
import BrookRecords
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import XCTest

/// The broker asks its partition's replica state, not single-node literals: the min.insync check
/// counts the state's ISR, batches carry its leader epoch, and acks=all waits for its durable ISR
/// offset. The state is driven here as replication will drive it, through `Partition.updateReplica`.
final class PartitionReplicaSeamTests: XCTestCase {
    private func batch(_ value: String) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(codec: .none)
        builder.append(key: nil, value: ByteBuffer(string: value), headers: [], timestamp: 1)
        return try builder.build()
    }

    private func produce(_ client: RawKafkaClient, _ topic: String, acks: Int16) throws -> ProduceResponse.PartitionProduceResponse {
        let request = ProduceRequest(acks: acks, timeoutMs: 5000,
                                     topicData: [.init(name: topic, partitionData: [.init(index: 0, records: try batch("v"))])])
        let response = try client.request(request, version: 9, as: ProduceResponse.self)
        return try XCTUnwrap(response.responses.first?.partitionResponses.first)
    }

    func testMinInsyncCheckCountsTheReplicaStatesIsr() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "isr", partitions: 1, replicationFactor: 1,
                                                 configs: ["min.insync.replicas": "3"], validateOnly: false)
            let partition = try XCTUnwrap(broker.broker.topics.topic(named: "isr")?.partition(0))
            let client = try RawKafkaClient(port: broker.port)

            var refused = try produce(client, "isr", acks: -1)
            XCTAssertEqual(refused.errorCode, ErrorCode.notEnoughReplicas.rawValue)
            XCTAssertEqual(refused.errorMessage, "The size of the current ISR 1 is insufficient to satisfy the min.isr requirement")

            try await partition.updateReplica { state in
                (try? state.becameLeader(epoch: 1, partitionEpoch: 1, replicas: [0, 2, 3], isr: [0, 2],
                                         logEnd: state.logEndOffset, now: 0).get()) ?? []
            }.get()
            refused = try produce(client, "isr", acks: -1)
            XCTAssertEqual(refused.errorCode, ErrorCode.notEnoughReplicas.rawValue)
            XCTAssertEqual(refused.errorMessage, "The size of the current ISR 2 is insufficient to satisfy the min.isr requirement")
            XCTAssertEqual(partition.leaderEpoch, 1)
            XCTAssertEqual(try produce(client, "isr", acks: 1).errorCode, 0, "acks=1 does not ask for the ISR")
        }
        try await broker.stop()
    }

    func testAcksAllWaitsForTheDurableIsrOffsetNotOnlyTheLocalFsync() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "durable", partitions: 1, replicationFactor: 1, configs: [:],
                                                 validateOnly: false)
            let partition = try XCTUnwrap(broker.broker.topics.topic(named: "durable")?.partition(0))
            let first = try await partition.append([try batch("alone")], durable: true, logAppendTime: false).get()
            XCTAssertEqual(first.lastOffset, 0, "a single replica answers after its own fsync")

            try await partition.updateReplica { state in
                (try? state.becameLeader(epoch: 3, partitionEpoch: 1, replicas: [0, 2, 3], isr: [0, 2, 3],
                                         logEnd: state.logEndOffset, now: 0).get()) ?? []
            }.get()
            let answered = NIOLockedValueBox(false)
            let appended = partition.append([try batch("replicated")], durable: true, logAppendTime: false)
            appended.whenComplete { _ in answered.withLockedValue { $0 = true } }
            // Submitted after the append, so its fsync has started; the waiter is checked once it ends.
            try await partition.currentFlush().get()
            let local = try await partition.eventLoop.submit { partition.replica }.get()
            XCTAssertEqual(local.flushedOffset, 2)
            XCTAssertEqual(local.leaderEpoch, 3)
            XCTAssertFalse(answered.withLockedValue { $0 }, "answered before the followers had the batch")
            let unreplicated = try await partition.offsets().get()
            XCTAssertEqual(unreplicated.highWatermark, 1, "consumers must not see it yet")

            try await partition.updateReplica { state in
                (try? state.followerFetched(replica: 2, fetchOffset: 2, currentLeaderEpoch: 3, now: 1).get()) ?? []
            }.get()
            XCTAssertFalse(answered.withLockedValue { $0 }, "answered before replica 3 had the batch")

            try await partition.updateReplica { state in
                (try? state.followerFetched(replica: 3, fetchOffset: 2, currentLeaderEpoch: 3, now: 1).get()) ?? []
            }.get()
            let second = try await appended.get()
            XCTAssertEqual(second.lastOffset, 1)
            let replicated = try await partition.offsets().get()
            XCTAssertEqual(replicated.highWatermark, 2)
            let log = "\(broker.dataDir)/durable-0/00000000000000000000.log"
            var bytes = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: log)))
            var epochs: [Int32] = []
            while let header = RecordBatchHeader(peekingAt: bytes) {
                epochs.append(header.partitionLeaderEpoch)
                bytes.moveReaderIndex(forwardBy: RecordBatchHeader.logOverhead + Int(header.batchLength))
            }
            XCTAssertEqual(epochs, [0, 3], "each batch carries the leader epoch of the state it was appended under")
        }
        try await broker.stop()
    }
}
