import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

final class BrokerEndToEndTests: XCTestCase {
    private func batch(_ values: [String], key: String? = "k", codec: CompressionCodec = .none) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(codec: codec)
        for v in values {
            builder.append(key: key.map { ByteBuffer(string: $0) }, value: ByteBuffer(string: v), headers: [], timestamp: 1_700_000_000_000)
        }
        return try builder.build()
    }

    private func produce(_ client: RawKafkaClient, topic: String, _ records: ByteBuffer, acks: Int16 = -1, version: Int16 = 9)
        throws -> ProduceResponse.PartitionProduceResponse {
        let request = ProduceRequest(acks: acks, timeoutMs: 5000, topicData: [.init(name: topic, partitionData: [.init(index: 0, records: records)])])
        let response = try client.request(request, version: version, as: ProduceResponse.self)
        return try XCTUnwrap(response.responses.first?.partitionResponses.first)
    }

    private func fetch(_ client: RawKafkaClient, topic: String, offset: Int64, maxWaitMs: Int32 = 0, version: Int16 = 12)
        throws -> FetchResponse.PartitionData {
        let request = FetchRequest(replicaId: -1, maxWaitMs: maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
                                   topics: [.init(topic: topic, partitions: [.init(partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20)])])
        let response = try client.request(request, version: version, as: FetchResponse.self)
        return try XCTUnwrap(response.responses.first?.partitions.first)
    }

    private func values(_ data: FetchResponse.PartitionData) throws -> [String] {
        guard let records = data.records else { return [] }
        return try RecordBatch.decodeAll(records, maxDecompressedSize: 1 << 24).flatMap { batch in
            batch.records.map { String(buffer: $0.value ?? ByteBuffer()) }
        }
    }

    func testApiVersionsAdvertisesImplementedRanges() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            let response = try client.request(ApiVersionsRequest(clientSoftwareName: "t", clientSoftwareVersion: "1"), version: 3,
                                              as: ApiVersionsResponse.self)
            XCTAssertEqual(response.errorCode, 0)
            let ranges = Dictionary(uniqueKeysWithValues: response.apiKeys.map { ($0.apiKey, $0.minVersion...$0.maxVersion) })
            XCTAssertEqual(ranges[ApiKey.produce.rawValue], 0...12)
            XCTAssertEqual(ranges[ApiKey.fetch.rawValue], 0...17)
            XCTAssertEqual(ranges[ApiKey.metadata.rawValue], 0...12)
            XCTAssertEqual(ranges[ApiKey.apiVersions.rawValue], 0...4)
            XCTAssertEqual(ranges[ApiKey.listOffsets.rawValue], 0...10)
            XCTAssertEqual(ranges[ApiKey.createTopics.rawValue], 0...7)
        }
        try await broker.stop()
    }

    func testUnsupportedApiVersionsVersionGetsRangesInV0Layout() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            var frame = ByteBuffer()
            KafkaFrame.write(into: &frame) { body in
                RequestHeader(apiKey: 18, apiVersion: 99, correlationId: 7, clientId: "x").encode(into: &body, headerVersion: 2)
                body.writeInteger(UInt8(0))
            }
            client.sendRaw(frame)
            var body = try XCTUnwrap(client.readFrame())
            XCTAssertEqual(try ResponseHeader(from: &body, headerVersion: 0).correlationId, 7)
            let response = try ApiVersionsResponse(from: &body, version: 0)
            XCTAssertEqual(response.errorCode, ErrorCode.unsupportedVersion.rawValue)
            XCTAssertTrue(response.apiKeys.contains { $0.apiKey == ApiKey.apiVersions.rawValue && $0.maxVersion == 4 })
        }
        try await broker.stop()
    }

    func testProduceFetchAndPipelinedResponsesStayInOrder() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            let meta = try client.request(MetadataRequest(topics: [.init(name: "orders")], allowAutoTopicCreation: true), version: 12,
                                          as: MetadataResponse.self)
            XCTAssertEqual(meta.topics.first?.errorCode, 0)
            XCTAssertNotEqual(meta.topics.first?.topicId, .zero)
            let first = try produce(client, topic: "orders", try batch(["a", "b", "c"]))
            XCTAssertEqual(first.errorCode, 0)
            XCTAssertEqual(first.baseOffset, 0)
            let second = try produce(client, topic: "orders", try batch(["d"], codec: .zstd), acks: 1)
            XCTAssertEqual(second.baseOffset, 3)

            // Three requests in one write: a slow long-poll fetch first, then two fast ones.
            let slow = client.frame(FetchRequest(replicaId: -1, maxWaitMs: 300, minBytes: 1, maxBytes: 1 << 20,
                                                 topics: [.init(topic: "orders", partitions: [.init(partition: 0, fetchOffset: 4, partitionMaxBytes: 1 << 20)])]),
                                    version: 12)
            let fast1 = client.frame(ApiVersionsRequest(), version: 0)
            let fast2 = client.frame(MetadataRequest(topics: []), version: 1)
            var all = slow.0
            var f1 = fast1.0
            var f2 = fast2.0
            all.writeBuffer(&f1)
            all.writeBuffer(&f2)
            client.sendRaw(all)
            var ids: [Int32] = []
            for _ in 0..<3 {
                var body = try XCTUnwrap(client.readFrame())
                ids.append(try XCTUnwrap(body.readInteger(as: Int32.self)))
            }
            XCTAssertEqual(ids, [slow.1, fast1.1, fast2.1])

            // Every Fetch version from 4 sends the stored batches (zero-copy from the segment file);
            // below v10 the zstd batch is left out, as such clients cannot read it (LegacyFetchTests).
            for version in Int16(4)...12 {
                let data = try fetch(client, topic: "orders", offset: 0, version: version)
                XCTAssertEqual(data.errorCode, 0, "v\(version)")
                XCTAssertEqual(data.highWatermark, 4, "v\(version)")
                XCTAssertEqual(try values(data), version >= 10 ? ["a", "b", "c", "d"] : ["a", "b", "c"], "v\(version)")
            }
            XCTAssertEqual(try values(try fetch(client, topic: "orders", offset: 3)), ["d"])
            let beyond = try fetch(client, topic: "orders", offset: 99)
            XCTAssertEqual(beyond.errorCode, ErrorCode.offsetOutOfRange.rawValue)
        }
        try await broker.stop()
    }

    func testLongPollIsWokenByAppend() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        do {
            let consumer = try RawKafkaClient(port: broker.port)
            let producer = try RawKafkaClient(port: broker.port)
            _ = try producer.request(MetadataRequest(topics: [.init(name: "wake")], allowAutoTopicCreation: true), version: 12, as: MetadataResponse.self)
            let (frame, _) = consumer.frame(FetchRequest(replicaId: -1, maxWaitMs: 20_000, minBytes: 1, maxBytes: 1 << 20,
                                                         topics: [.init(topic: "wake", partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20)])]),
                                            version: 12)
            consumer.sendRaw(frame)
            let started = Date()
            XCTAssertEqual(try produce(producer, topic: "wake", try batch(["x"])).errorCode, 0)
            var body = try XCTUnwrap(consumer.readFrame())
            _ = try ResponseHeader(from: &body, headerVersion: 1)
            let response = try FetchResponse(from: &body, version: 12)
            XCTAssertEqual(try values(try XCTUnwrap(response.responses.first?.partitions.first)), ["x"])
            // Woken by the append, not by the 20 s timeout.
            XCTAssertLessThan(Date().timeIntervalSince(started), 15)
        }
        try await broker.stop()
    }

    func testProduceErrors() async throws {
        let broker = try await TestBroker { $0.messageMaxBytes = 2000 }
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            XCTAssertEqual(try produce(client, topic: "nope", try batch(["a"])).errorCode, ErrorCode.unknownTopicOrPartition.rawValue)
            _ = try client.request(MetadataRequest(topics: [.init(name: "t")], allowAutoTopicCreation: true), version: 12, as: MetadataResponse.self)
            var corrupt = try batch(["a"])
            corrupt.setInteger(UInt8(0xFF), at: corrupt.writerIndex - 1)
            XCTAssertEqual(try produce(client, topic: "t", corrupt).errorCode, ErrorCode.corruptMessage.rawValue)
            let big = try batch([String(repeating: "x", count: 5000)])
            XCTAssertEqual(try produce(client, topic: "t", big).errorCode, ErrorCode.messageTooLarge.rawValue)
            XCTAssertEqual(try produce(client, topic: "t", try batch(["a"]), acks: 2).errorCode, ErrorCode.invalidRequiredAcks.rawValue)
            let marker = try RecordBatch.control(.commit, coordinatorEpoch: 0, producerId: 1, producerEpoch: 0, timestamp: 1)
                .encode(allocator: ByteBufferAllocator())
            XCTAssertEqual(try produce(client, topic: "t", marker).errorCode, ErrorCode.invalidRecord.rawValue)
            let ok = try produce(client, topic: "t", try batch(["a"]))
            XCTAssertEqual(ok.errorCode, 0)
            XCTAssertEqual(ok.baseOffset, 0, "rejected batches must not consume offsets")
        }
        try await broker.stop()
    }

    func testOversizedFrameAndUnknownApiCloseOnlyThatConnection() async throws {
        let broker = try await TestBroker { $0.socketRequestMaxBytes = 1024 }
        defer { broker.removeData() }
        do {
            let bad = try RawKafkaClient(port: broker.port)
            var huge = ByteBuffer()
            huge.writeInteger(Int32(200 * 1024 * 1024))
            huge.writeBytes([UInt8](repeating: 1, count: 64))
            bad.sendRaw(huge)
            XCTAssertNil(bad.readFrame(), "oversized frame must close the connection")

            let unknown = try RawKafkaClient(port: broker.port)
            var frame = ByteBuffer()
            KafkaFrame.write(into: &frame) { body in
                RequestHeader(apiKey: 999, apiVersion: 0, correlationId: 1, clientId: nil).encode(into: &body, headerVersion: 1)
            }
            unknown.sendRaw(frame)
            XCTAssertNil(unknown.readFrame(), "unknown API must close the connection")

            let garbage = try RawKafkaClient(port: broker.port)
            var junk = ByteBuffer()
            KafkaFrame.write(into: &junk) { body in
                body.writeInteger(Int16(3)); body.writeInteger(Int16(12)); body.writeInteger(Int32(5))
                body.writeBytes([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            }
            garbage.sendRaw(junk)
            XCTAssertNil(garbage.readFrame(), "malformed request must close the connection")

            let good = try RawKafkaClient(port: broker.port)
            XCTAssertEqual(try good.request(ApiVersionsRequest(), version: 0, as: ApiVersionsResponse.self).errorCode, 0)
        }
        try await broker.stop()
    }

    func testDataSurvivesRestartAndDataDirIsLocked() async throws {
        let dir = TestBroker.makeTempDir()
        let first = try await TestBroker(dataDir: dir)
        do {
            let client = try RawKafkaClient(port: first.port)
            _ = try client.request(MetadataRequest(topics: [.init(name: "keep")], allowAutoTopicCreation: true), version: 12, as: MetadataResponse.self)
            XCTAssertEqual(try produce(client, topic: "keep", try batch(["1", "2"], codec: .gzip)).errorCode, 0)
            XCTAssertThrowsError(try TestBrokerLockProbe.open(dir: dir, group: first.group, pool: first.threadPool))
        }
        let topicId = first.broker.topics.topic(named: "keep")?.id
        try await first.stop()

        let second = try await TestBroker(dataDir: dir)
        defer { second.removeData() }
        do {
            XCTAssertEqual(second.broker.topics.topic(named: "keep")?.id, topicId, "topic ids are stable across restarts")
            let client = try RawKafkaClient(port: second.port)
            let data = try fetch(client, topic: "keep", offset: 0)
            XCTAssertEqual(try values(data), ["1", "2"])
            XCTAssertEqual(try produce(client, topic: "keep", try batch(["3"])).baseOffset, 2)
        }
        try await second.stop()
    }
}

import Logging
import NIOPosix

enum TestBrokerLockProbe {
    static func open(dir: String, group: EventLoopGroup, pool: NIOThreadPool) throws {
        var config = BrokerConfig()
        config.dataDir = dir
        _ = try Broker(config: config, group: group, threadPool: pool, logger: Logger(label: "probe"))
    }
}
