@testable import BrookClient
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// Producer paths the real broker does not exercise yet: idempotence and retries of failed batches.
final class ProducerFakeBrokerTests: XCTestCase {
    private func config(_ fake: FakeBroker) -> ProducerConfig {
        var client = ClientConfig(bootstrapServers: [fake.address])
        client.retryBackoff = .milliseconds(5)
        var config = ProducerConfig(client: client)
        config.linger = .zero
        return config
    }

    private func headers(of request: ProduceRequest) throws -> [RecordBatchHeader] {
        try request.topicData.flatMap { topic in
            try topic.partitionData.map { partition in
                try XCTUnwrap(RecordBatchHeader(peekingAt: XCTUnwrap(partition.records)))
            }
        }
    }

    func testIdempotentProducerNumbersBatchesWithItsProducerId() async throws {
        let fake = try FakeBroker(versions: [.metadata: 0...12, .produce: 3...11, .initProducerId: 0...4])
        defer { fake.shutdown() }
        fake.on(MetadataRequest.self) { _, _ in fake.metadata(["t": 1]) }
        fake.on(InitProducerIdRequest.self) { request, _ in
            XCTAssertNil(request.transactionalId)
            return InitProducerIdResponse(errorCode: 0, producerId: 4242, producerEpoch: 3)
        }
        let offsets = Locked<Int64>(0)
        fake.on(ProduceRequest.self) { request, _ in
            let count = Int64(try RecordBatch.decode(request.topicData[0].partitionData[0].records!, maxDecompressedSize: 1 << 20).records.count)
            let base = offsets.withLock { value -> Int64 in defer { value += count }; return value }
            return ProduceResponse(responses: [.init(name: "t", partitionResponses: [.init(index: 0, errorCode: 0, baseOffset: base)])])
        }
        let producer = try KafkaProducer(config: config(fake))
        for index in 0..<3 {
            let metadata = try await producer.send(ProducerRecord(topic: "t", value: "v\(index)"))
            XCTAssertEqual(metadata.offset, Int64(index))
        }
        await producer.close()
        let produced = fake.requests(ProduceRequest.self)
        XCTAssertEqual(produced.count, 3)
        XCTAssertTrue(produced.allSatisfy { $0.0.acks == -1 })
        let batchHeaders = try produced.flatMap { try headers(of: $0.0) }
        XCTAssertEqual(batchHeaders.map(\.producerId), [4242, 4242, 4242])
        XCTAssertEqual(batchHeaders.map(\.producerEpoch), [3, 3, 3])
        XCTAssertEqual(batchHeaders.map(\.baseSequence), [0, 1, 2])
        XCTAssertEqual(fake.requests(InitProducerIdRequest.self).count, 1)
    }

    func testWithoutInitProducerIdTheProducerFallsBackToPlainBatches() async throws {
        let fake = try FakeBroker(versions: [.metadata: 0...12, .produce: 3...11])
        defer { fake.shutdown() }
        fake.on(MetadataRequest.self) { _, _ in fake.metadata(["t": 1]) }
        fake.on(ProduceRequest.self) { _, _ in
            ProduceResponse(responses: [.init(name: "t", partitionResponses: [.init(index: 0, errorCode: 0, baseOffset: 9)])])
        }
        let producer = try KafkaProducer(config: config(fake))
        let metadata = try await producer.send(ProducerRecord(topic: "t", value: "x"))
        XCTAssertEqual(metadata.offset, 9)
        await producer.close()
        let header = try headers(of: fake.requests(ProduceRequest.self)[0].0)[0]
        XCTAssertEqual(header.producerId, -1)
        XCTAssertEqual(header.baseSequence, -1)
    }

    func testRetriableErrorResendsTheSameBatch() async throws {
        let fake = try FakeBroker(versions: [.metadata: 0...12, .produce: 3...11, .initProducerId: 0...4])
        defer { fake.shutdown() }
        fake.on(MetadataRequest.self) { _, _ in fake.metadata(["t": 1]) }
        fake.on(InitProducerIdRequest.self) { _, _ in InitProducerIdResponse(errorCode: 0, producerId: 1, producerEpoch: 0) }
        let attempts = Locked(0)
        fake.on(ProduceRequest.self) { _, _ in
            let attempt = attempts.withLock { value -> Int in value += 1; return value }
            let code = attempt == 1 ? ErrorCode.notLeaderOrFollower : .none
            return ProduceResponse(responses: [.init(name: "t", partitionResponses: [.init(index: 0, errorCode: code.rawValue, baseOffset: 77)])])
        }
        let producer = try KafkaProducer(config: config(fake))
        let metadata = try await producer.send(ProducerRecord(topic: "t", key: "k", value: "v"))
        XCTAssertEqual(metadata.offset, 77)
        await producer.close()
        let produced = fake.requests(ProduceRequest.self)
        XCTAssertEqual(produced.count, 2)
        XCTAssertEqual(produced[0].0.topicData[0].partitionData[0].records, produced[1].0.topicData[0].partitionData[0].records,
                       "a retry resends exactly the same bytes (same sequence)")
        XCTAssertGreaterThanOrEqual(fake.requests(MetadataRequest.self).count, 2, "NOT_LEADER_OR_FOLLOWER refreshes metadata")
    }

    func testNonRetriableErrorFailsTheRecord() async throws {
        let fake = try FakeBroker(versions: [.metadata: 0...12, .produce: 3...11])
        defer { fake.shutdown() }
        fake.on(MetadataRequest.self) { _, _ in fake.metadata(["t": 1]) }
        fake.on(ProduceRequest.self) { _, _ in
            ProduceResponse(responses: [.init(name: "t", partitionResponses: [.init(index: 0, errorCode: ErrorCode.messageTooLarge.rawValue, errorMessage: "too big")])])
        }
        let producer = try KafkaProducer(config: config(fake))
        do {
            _ = try await producer.send(ProducerRecord(topic: "t", value: "x"))
            XCTFail("expected MESSAGE_TOO_LARGE")
        } catch let error as KafkaClientError {
            XCTAssertEqual(error.errorCode, .messageTooLarge)
            XCTAssertTrue("\(error)".hasPrefix("produce to t-0: MESSAGE_TOO_LARGE (a batch of one record is "), "\(error)")
            XCTAssertTrue("\(error)".hasSuffix("; the broker said: too big)"), "\(error)")
        }
        await producer.close()
    }
}

final class ProducerLifecycleTests: XCTestCase {
    func testCloseReturnsPromptlyWhenNoBrokerWasEverReached() async throws {
        let port = try BrookServerProcess.freePort()
        var client = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: port)])
        client.connectTimeout = .seconds(2)
        let producer = try KafkaProducer(config: ProducerConfig(client: client))
        let started = ContinuousClock.now
        await producer.close(timeout: .seconds(1))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(5))
        do {
            _ = try await producer.send(ProducerRecord(topic: "t", value: "x"))
            XCTFail("a closed producer accepts nothing")
        } catch let error as KafkaClientError {
            guard case .closed = error else { return XCTFail("\(error)") }
        }
    }
}
