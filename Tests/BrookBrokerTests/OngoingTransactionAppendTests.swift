import BrookBroker
import BrookProtocol
import BrookRecords
import Foundation
import NIOCore
import XCTest

/// Kafka asks the transaction coordinator (KIP-890) only for a producer's first batch of a transaction
/// in a partition. A batch retried after a restart, while the coordinator is still loading, must be
/// answered from the partition (as a duplicate, with its original offsets), not refused until the
/// coordinator is back: a client that gives up on it meanwhile and aborts may reuse its sequence
/// numbers, and its next transaction's batch would then be taken for the aborted one.
final class OngoingTransactionAppendTests: XCTestCase {
    private func configure(_ config: inout BrokerConfig) {
        config.transactionStateLogNumPartitions = 2
        config.groupCoordinator.offsetsTopicPartitions = 2
    }

    private func batch(_ pid: Int64, _ epoch: Int16, _ sequence: Int32, _ values: [String]) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(producerId: pid, producerEpoch: epoch, baseSequence: sequence, isTransactional: true)
        for v in values { builder.append(key: nil, value: ByteBuffer(string: v), timestamp: 1_700_000_000_000) }
        return try builder.build()
    }

    private func produce(_ client: RawKafkaClient, _ records: ByteBuffer, transactionalId: String?)
        throws -> ProduceResponse.PartitionProduceResponse {
        let request = ProduceRequest(transactionalId: transactionalId, acks: -1, timeoutMs: 5000,
                                     topicData: [.init(name: "t", partitionData: [.init(index: 0, records: records)])])
        return try XCTUnwrap(try client.request(request, version: 9, as: ProduceResponse.self).responses.first?
            .partitionResponses.first)
    }

    func testBatchesOfAnOpenTransactionNeedNoLoadedCoordinator() async throws {
        let dataDir = TestBroker.makeTempDir()
        var broker = try await TestBroker(dataDir: dataDir, configure: configure)
        defer { broker.removeData() }
        try await broker.broker.transactions.loadedFuture.get()
        try broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        var client = try RawKafkaClient(port: broker.port)
        let ids = try client.request(InitProducerIdRequest(transactionalId: "app", transactionTimeoutMs: 60_000),
                                     version: 4, as: InitProducerIdResponse.self)
        let (pid, epoch) = (ids.producerId, ids.producerEpoch)
        let add = AddPartitionsToTxnRequest(v3AndBelowTransactionalId: "app", v3AndBelowProducerId: pid,
                                            v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [.init(name: "t", partitions: [0])])
        XCTAssertEqual(try client.request(add, version: 3, as: AddPartitionsToTxnResponse.self)
            .resultsByTopicV3AndBelow.first?.resultsByPartition.first?.partitionErrorCode, 0)
        let first = try batch(pid, epoch, 0, ["a", "b"])
        XCTAssertEqual(try produce(client, first, transactionalId: "app").baseOffset, 0)
        try await broker.stop()

        // Restarted with the transaction coordinator held back (as while it loads its topic).
        broker = try await TestBroker(dataDir: dataDir, holdCoordinators: true, configure: configure)
        client = try RawKafkaClient(port: broker.port)

        let retried = try produce(client, first, transactionalId: "app")
        XCTAssertEqual(retried.errorCode, 0, "a retry of a stored batch is answered from the partition")
        XCTAssertEqual(retried.baseOffset, 0, "with its original offsets")

        let next = try produce(client, try batch(pid, epoch, 2, ["c"]), transactionalId: "app")
        XCTAssertEqual(next.errorCode, 0, "the open transaction's next batch needs no coordinator either")
        XCTAssertEqual(next.baseOffset, 2)

        // A batch at a newer epoch has no open transaction here: only the coordinator can vouch for it.
        let newer = try produce(client, try batch(pid, epoch + 1, 0, ["d"]), transactionalId: "app")
        XCTAssertEqual(newer.errorCode, ErrorCode.notEnoughReplicas.rawValue)

        // Without a transactional id a transactional batch is refused, open transaction or not.
        XCTAssertEqual(try produce(client, try batch(pid, epoch, 3, ["e"]), transactionalId: nil).errorCode,
                       ErrorCode.invalidTxnState.rawValue)

        broker.releaseCoordinators()
        try await broker.stop()
    }
}
