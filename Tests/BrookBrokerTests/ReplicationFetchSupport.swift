@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// Shared by the leader-side replication tests: a topic led by this broker with replicas assigned
/// through `Partition.updateReplica`, batches appended at chosen epochs, and raw requests.
enum ReplicationFetchSupport {
    static func batch(_ value: String) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(codec: .none)
        builder.append(key: nil, value: ByteBuffer(string: value), headers: [], timestamp: 1)
        return try builder.build()
    }

    /// Makes this broker leader of `partition` at `epoch` with `replicas`, all in the ISR unless told.
    static func lead(_ partition: Partition, epoch: Int32, replicas: [Int32], isr: [Int32]? = nil) async throws {
        try await partition.updateReplica { state in
            (try? state.becameLeader(epoch: epoch, partitionEpoch: epoch, replicas: replicas, isr: isr ?? replicas,
                                     logEnd: state.logEndOffset, now: 0).get()) ?? []
        }.get()
    }

    /// Appends one single-record batch per value at the partition's current epoch (acks=1).
    static func append(_ partition: Partition, _ values: [String]) async throws {
        for value in values {
            _ = try await partition.append([try batch(value)], durable: false, logAppendTime: false).get()
        }
    }

    /// (base offset, leader epoch) of every whole batch in `records`.
    static func batches(_ records: ByteBuffer?) -> [(offset: Int64, epoch: Int32)] {
        guard var bytes = records else { return [] }
        var found: [(Int64, Int32)] = []
        while let header = RecordBatchHeader(peekingAt: bytes),
              bytes.readableBytes >= RecordBatchHeader.logOverhead + Int(header.batchLength) {
            found.append((header.baseOffset, header.partitionLeaderEpoch))
            bytes.moveReaderIndex(forwardBy: RecordBatchHeader.logOverhead + Int(header.batchLength))
        }
        return found
    }

    /// A Fetch of partition 0 of `topic` sent as replica `replicaId` (-1: a consumer).
    static func fetchRequest(_ topic: String, replicaId: Int32, offset: Int64, currentLeaderEpoch: Int32 = -1,
                             lastFetchedEpoch: Int32 = -1, maxWaitMs: Int32 = 0, minBytes: Int32 = 0) -> FetchRequest {
        FetchRequest(replicaId: replicaId, maxWaitMs: maxWaitMs, minBytes: minBytes, maxBytes: 1 << 20, topics: [
            .init(topic: topic, partitions: [.init(partition: 0, currentLeaderEpoch: currentLeaderEpoch, fetchOffset: offset,
                                                   lastFetchedEpoch: lastFetchedEpoch, partitionMaxBytes: 1 << 20)]),
        ])
    }

    static func fetch(_ client: RawKafkaClient, _ request: FetchRequest, version: Int16 = 12) throws -> FetchResponse.PartitionData {
        let response = try client.request(request, version: version, as: FetchResponse.self)
        return try XCTUnwrap(response.responses.first?.partitions.first)
    }
}
