@testable import BrookBroker
import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

/// `__transaction_state` read back by a restarted broker: a KIP-360 InitProducerId retry of a
/// producer id rotation is still recognised after the coordinator reloads.
final class TransactionStateReloadTests: XCTestCase {
    private func start(_ dataDir: String) async throws -> TestBroker {
        let broker = try await TestBroker(dataDir: dataDir) { config in
            config.transactionStateLogNumPartitions = 2
            config.groupCoordinator.offsetsTopicPartitions = 2
        }
        try await broker.broker.transactions.loadedFuture.get()
        return broker
    }

    private func initProducer(_ broker: TestBroker, producerId: Int64 = -1, epoch: Int16 = -1) throws -> InitProducerIdResponse {
        let client = try RawKafkaClient(port: broker.port)
        return try client.request(InitProducerIdRequest(transactionalId: "tx", transactionTimeoutMs: 60_000,
                                                        producerId: producerId, producerEpoch: epoch),
                                  version: 4, as: InitProducerIdResponse.self)
    }

    func testRetryOfAProducerIdRotationAfterARestartGetsTheNewId() async throws {
        let dataDir = TestBroker.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let exhausted = Int16.max - 1
        var broker = try await start(dataDir)
        let first = try initProducer(broker)
        XCTAssertEqual(first.errorCode, 0)
        // Reaching the last epoch takes 32766 bumps: write the state they would leave instead.
        let index = GroupPartitioner.partition(for: "tx", partitions: 2)
        let partition = try XCTUnwrap(broker.broker.topics.topic(named: TransactionStateTopic.name)?.partition(index))
        let state = TransactionMetadata(transactionalId: "tx", producerId: first.producerId, producerEpoch: exhausted,
                                        timeoutMs: 60_000, state: .completeCommit, lastUpdateTimestamp: 0)
        try await partition.appendInternalRecords([(TransactionLogRecord.encodeKey(transactionalId: "tx"),
                                                    TransactionLogRecord.encodeValue(state))],
                                                  timestamp: 0, writer: "test").get()
        try await broker.stop()

        broker = try await start(dataDir)
        let rotated = try initProducer(broker, producerId: first.producerId, epoch: exhausted)
        XCTAssertEqual(rotated.errorCode, 0)
        XCTAssertNotEqual(rotated.producerId, first.producerId)
        XCTAssertEqual(rotated.producerEpoch, 0)
        try await broker.stop()

        // The answer was lost; the coordinator restarts; the producer retries with what it holds.
        broker = try await start(dataDir)
        let retry = try initProducer(broker, producerId: first.producerId, epoch: exhausted)
        XCTAssertEqual(retry.errorCode, 0, "not PRODUCER_FENCED")
        XCTAssertEqual(retry.producerId, rotated.producerId)
        XCTAssertEqual(retry.producerEpoch, 0)
        try await broker.stop()
    }
}
