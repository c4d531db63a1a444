import BrookBroker
import Foundation
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// Idempotent produce through a real broker: InitProducerId, retries, gaps, fencing, restarts.
final class IdempotenceEndToEndTests: XCTestCase {
    private func batch(producerId: Int64, epoch: Int16, sequence: Int32, _ values: [String]) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(producerId: producerId, producerEpoch: epoch, baseSequence: sequence)
        for v in values { builder.append(key: nil, value: ByteBuffer(string: v), timestamp: 1_700_000_000_000) }
        return try builder.build()
    }

    private func produce(_ client: RawKafkaClient, _ records: ByteBuffer, topic: String = "idem")
        throws -> ProduceResponse.PartitionProduceResponse {
        let request = ProduceRequest(acks: -1, timeoutMs: 5000,
                                     topicData: [.init(name: topic, partitionData: [.init(index: 0, records: records)])])
        return try XCTUnwrap(try client.request(request, version: 9, as: ProduceResponse.self).responses.first?
            .partitionResponses.first)
    }

    private func initProducerId(_ client: RawKafkaClient, version: Int16 = 4) throws -> InitProducerIdResponse {
        try client.request(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000),
                           version: version, as: InitProducerIdResponse.self)
    }

    private func createTopic(_ broker: TestBroker, _ name: String = "idem") async throws {
        try await broker.broker.topics.createTopic(name: name, partitions: 1, replicationFactor: 1, configs: [:],
                                             validateOnly: false)
    }

    func testRetriesAreDeduplicatedAndGapsAndStaleEpochsRejected() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            try await createTopic(broker)
            let client = try RawKafkaClient(port: broker.port)
            let ids = try initProducerId(client)
            XCTAssertEqual(ids.errorCode, 0)
            XCTAssertEqual(ids.producerEpoch, 0)
            let other = try initProducerId(client, version: 0)
            XCTAssertNotEqual(other.producerId, ids.producerId)

            let pid = ids.producerId
            let first = try batch(producerId: pid, epoch: 0, sequence: 0, ["a", "b"])
            XCTAssertEqual(try produce(client, first).baseOffset, 0)
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 2, ["c"])).baseOffset, 2)
            // The retry of the first batch succeeds with its original offset and writes nothing.
            let retry = try produce(client, first)
            XCTAssertEqual(retry.errorCode, 0)
            XCTAssertEqual(retry.baseOffset, 0)
            // A gap.
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 5, ["x"])).errorCode,
                           ErrorCode.outOfOrderSequenceNumber.rawValue)
            // A new epoch must start at 0; after it, the old epoch is stale.
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 1, sequence: 0, ["d"])).baseOffset, 3)
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 3, ["e"])).errorCode,
                           ErrorCode.invalidProducerEpoch.rawValue)
            // A non-idempotent batch still goes through, and the log holds exactly four records.
            var plain = RecordBatchBuilder()
            plain.append(key: nil, value: ByteBuffer(string: "p"), timestamp: 1)
            XCTAssertEqual(try produce(client, try plain.build()).baseOffset, 4)
        }
        try await broker.stop()
    }

    func testDuplicatesAreDetectedAfterARestartAndIdsNeverRepeat() async throws {
        let dir = TestBroker.makeTempDir()
        let first = try await TestBroker(dataDir: dir)
        let pid: Int64
        do {
            try await createTopic(first)
            let client = try RawKafkaClient(port: first.port)
            pid = try initProducerId(client).producerId
            let b = try batch(producerId: pid, epoch: 0, sequence: 0, ["one", "two"])
            XCTAssertEqual(try produce(client, b).baseOffset, 0)
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 2, ["three"])).baseOffset, 2)
        }
        try await first.stop()

        let second = try await TestBroker(dataDir: dir)
        defer { second.removeData() }
        do {
            let client = try RawKafkaClient(port: second.port)
            let retry = try produce(client, try batch(producerId: pid, epoch: 0, sequence: 2, ["three"]))
            XCTAssertEqual(retry.errorCode, 0)
            XCTAssertEqual(retry.baseOffset, 2)
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 4, ["gap"])).errorCode,
                           ErrorCode.outOfOrderSequenceNumber.rawValue)
            XCTAssertGreaterThan(try initProducerId(client).producerId, pid)
        }
        try await second.stop()
    }

    func testRecoveryWithoutASnapshotRereadsTheLog() async throws {
        let dir = TestBroker.makeTempDir()
        let first = try await TestBroker(dataDir: dir)
        let pid: Int64
        do {
            try await createTopic(first)
            let client = try RawKafkaClient(port: first.port)
            pid = try initProducerId(client).producerId
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 0, ["a"])).baseOffset, 0)
        }
        try await first.stop()
        // Remove the shutdown snapshot: the state must come from the log itself.
        let partitionDir = try XCTUnwrap(FileManager.default.subpathsOfDirectory(atPath: dir)
            .first { $0.hasSuffix(".snapshot") }).split(separator: "/").dropLast().joined(separator: "/")
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/" + partitionDir) where name.hasSuffix(".snapshot") {
            try FileManager.default.removeItem(atPath: dir + "/" + partitionDir + "/" + name)
        }
        let second = try await TestBroker(dataDir: dir)
        defer { second.removeData() }
        do {
            let client = try RawKafkaClient(port: second.port)
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 0, ["a"])).baseOffset, 0)
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 1, ["b"])).baseOffset, 1)
        }
        try await second.stop()
    }

    func testIdleProducersExpire() async throws {
        let broker = try await TestBroker { $0.producerIdExpirationMs = 1 }
        defer { broker.removeData() }
        do {
            try await createTopic(broker)
            let client = try RawKafkaClient(port: broker.port)
            let pid = try initProducerId(client).producerId
            // Record timestamps are from 2023; with a 1 ms expiration the producer is idle at once.
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 0, ["a"])).errorCode, 0)
            try await broker.broker.expireProducers().get()
            // Unknown again: any sequence is accepted, as Kafka does after expiry.
            XCTAssertEqual(try produce(client, try batch(producerId: pid, epoch: 0, sequence: 9, ["b"])).baseOffset, 1)
        }
        try await broker.stop()
    }
}

/// DescribeProducers (KIP-664) reports what the partitions know.
final class IdempotenceDescribeProducersTests: XCTestCase {
    func testDescribeProducersListsActiveProducers() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            try await broker.broker.topics.createTopic(name: "dp", partitions: 1, replicationFactor: 1, configs: [:],
                                                 validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let pid = try client.request(InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 1),
                                         version: 4, as: InitProducerIdResponse.self).producerId
            var builder = RecordBatchBuilder(producerId: pid, producerEpoch: 0, baseSequence: 0)
            for v in ["a", "b", "c"] { builder.append(key: nil, value: ByteBuffer(string: v), timestamp: 1234) }
            let produce = ProduceRequest(acks: -1, timeoutMs: 5000, topicData: [
                .init(name: "dp", partitionData: [.init(index: 0, records: try builder.build())]),
            ])
            _ = try client.request(produce, version: 9, as: ProduceResponse.self)
            let response = try client.request(DescribeProducersRequest(topics: [
                .init(name: "dp", partitionIndexes: [0, 5]), .init(name: "nope", partitionIndexes: [0]),
            ]), version: 0, as: DescribeProducersResponse.self)
            let partitions = response.topics[0].partitions
            XCTAssertEqual(partitions[0].errorCode, 0)
            XCTAssertEqual(partitions[0].activeProducers.map(\.producerId), [pid])
            XCTAssertEqual(partitions[0].activeProducers.first?.lastSequence, 2)
            XCTAssertEqual(partitions[0].activeProducers.first?.lastTimestamp, 1234)
            XCTAssertEqual(partitions[0].activeProducers.first?.currentTxnStartOffset, -1)
            XCTAssertEqual(partitions[1].errorCode, ErrorCode.unknownTopicOrPartition.rawValue)
            XCTAssertEqual(response.topics[1].partitions[0].errorCode, ErrorCode.unknownTopicOrPartition.rawValue)
        }
        try await broker.stop()
    }
}
