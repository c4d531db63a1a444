@testable import BrookBroker
import BrookProtocol
import BrookRecords
import BrookTestSupport
import NIOCore
import XCTest

/// Produce v0–2 with legacy message sets (magic 0/1) over a real socket: up-converted to v2 and
/// read back with Fetch v12; and the version rules of Produce v3+ (magic 2 only, zstd from v7).
final class LegacyProduceTests: XCTestCase {
    private let now = Int64(Date().timeIntervalSince1970 * 1000)

    /// An uncompressed legacy set, or one wrapper of `codec`.
    private func legacySet(magic: Int8, _ messages: [(String?, String?, Int64)], codec: CompressionCodec = .none,
                           attributes: Int8 = 0) throws -> ByteBuffer {
        var out = ByteBuffer()
        var inner = ByteBuffer()
        for (i, m) in messages.enumerated() {
            entry(into: &inner, offset: Int64(i), message(magic: magic, attributes: attributes, timestamp: m.2,
                                                             key: m.0.map { Array($0.utf8) }, value: m.1.map { Array($0.utf8) }))
        }
        if codec == .none { return inner }
        let compressed = try Compression.compress(inner, codec: codec)
        entry(into: &out, offset: Int64(messages.count - 1), message(
            magic: magic, attributes: Int8(codec.rawValue) | attributes, timestamp: messages.last?.2 ?? 0, key: nil,
            value: compressed.getBytes(at: compressed.readerIndex, length: compressed.readableBytes)))
        return out
    }

    private func message(magic: Int8, attributes: Int8, timestamp: Int64, key: [UInt8]?, value: [UInt8]?) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeInteger(magic)
        body.writeInteger(attributes)
        if magic == 1 { body.writeInteger(timestamp) }
        for field in [key, value] {
            body.writeInteger(Int32(field?.count ?? -1))
            if let field { body.writeBytes(field) }
        }
        var out = ByteBuffer()
        out.writeInteger(CRC32.checksum(body))
        out.writeBuffer(&body)
        return out
    }

    private func entry(into out: inout ByteBuffer, offset: Int64, _ message: ByteBuffer) {
        out.writeInteger(offset)
        out.writeInteger(Int32(message.readableBytes))
        out.writeImmutableBuffer(message)
    }

    private func produce(_ client: RawKafkaClient, _ topic: String, _ records: ByteBuffer, version: Int16,
                         acks: Int16 = -1) throws -> ProduceResponse.PartitionProduceResponse {
        let request = ProduceRequest(acks: acks, timeoutMs: 5000,
                                     topicData: [.init(name: topic, partitionData: [.init(index: 0, records: records)])])
        let response = try client.request(request, version: version, as: ProduceResponse.self)
        return try XCTUnwrap(response.responses.first?.partitionResponses.first)
    }

    private func fetch(_ client: RawKafkaClient, _ topic: String) throws -> [RecordBatch] {
        let request = FetchRequest(replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
                                   topics: [.init(topic: topic, partitions: [.init(partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20)])])
        let response = try client.request(request, version: 12, as: FetchResponse.self)
        let data = try XCTUnwrap(response.responses.first?.partitions.first)
        guard let records = data.records else { return [] }
        return try RecordBatch.decodeAll(records, maxDecompressedSize: 1 << 24)
    }

    private func create(_ broker: TestBroker, _ name: String, _ configs: [String: String] = [:]) async throws {
        _ = try await broker.broker.topics.createTopic(name: name, partitions: 1, replicationFactor: 1, configs: configs, validateOnly: false)
    }

    private func strings(_ batches: [RecordBatch]) -> [(String?, String?, Int64)] {
        batches.flatMap { batch in
            batch.records.map { ($0.key.map { String(buffer: $0) }, $0.value.map { String(buffer: $0) }, batch.timestamp(of: $0)) }
        }
    }

    func testProduceV0ToV2WithBothMagicsAndEveryLegacyCodecIsStoredAsV2() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await create(broker, "t")
        let client = try RawKafkaClient(port: broker.port)
        var expected: [(String?, String?, Int64)] = []
        var nextOffset: Int64 = 0
        for version: Int16 in 0...2 {
            for magic: Int8 in [0, 1] {
                for codec in [CompressionCodec.none, .gzip, .snappy, .lz4] {
                    let messages: [(String?, String?, Int64)] = [("k\(version)\(magic)", "v-\(codec)", now - 5), (nil, "x", now), ("k", nil, now - 1)]
                    let response = try produce(client, "t", try legacySet(magic: magic, messages, codec: codec), version: version)
                    XCTAssertEqual(response.errorCode, 0, "v\(version) magic \(magic) \(codec)")
                    XCTAssertEqual(response.baseOffset, nextOffset)
                    nextOffset += 3
                    expected += messages.map { ($0.0, $0.1, magic == 0 ? -1 : $0.2) }
                }
            }
        }
        let batches = try fetch(client, "t")
        XCTAssertTrue(batches.allSatisfy { $0.header.magic == 2 && $0.header.producerId == -1 })
        let got = strings(batches)
        XCTAssertEqual(got.map(\.0), expected.map(\.0))
        XCTAssertEqual(got.map(\.1), expected.map(\.1))
        XCTAssertEqual(got.map(\.2), expected.map(\.2))
        // compression.type=producer keeps each wrapper's codec.
        XCTAssertEqual(batches.prefix(4).map(\.header.compression), [.none, .gzip, .snappy, .lz4])
        try await broker.stop()
    }

    func testProduceV2AcceptsMagic2BatchesAndV3RefusesLegacySets() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await create(broker, "t")
        let client = try RawKafkaClient(port: broker.port)
        var builder = RecordBatchBuilder()
        builder.append(key: nil, value: ByteBuffer(string: "v2"), timestamp: now)
        XCTAssertEqual(try produce(client, "t", try builder.build(), version: 2).errorCode, 0)
        let legacy = try legacySet(magic: 1, [("k", "v", now)])
        for version: Int16 in [3, 7, 9] {
            XCTAssertEqual(try produce(client, "t", legacy, version: version).errorCode, ErrorCode.invalidRecord.rawValue)
        }
        XCTAssertEqual(strings(try fetch(client, "t")).map(\.1), ["v2"])
        try await broker.stop()
    }

    func testZstdNeedsProduceV7() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await create(broker, "t")
        let client = try RawKafkaClient(port: broker.port)
        var builder = RecordBatchBuilder(codec: .zstd)
        builder.append(key: nil, value: ByteBuffer(string: "z"), timestamp: now)
        let zstd = try builder.build()
        for version: Int16 in [2, 3, 6] {
            XCTAssertEqual(try produce(client, "t", zstd, version: version).errorCode, ErrorCode.unsupportedCompressionType.rawValue)
        }
        XCTAssertEqual(try produce(client, "t", zstd, version: 7).errorCode, 0)
        // A legacy wrapper claiming zstd.
        var set = ByteBuffer()
        entry(into: &set, offset: 0, message(magic: 1, attributes: 4, timestamp: now, key: nil, value: [1, 2, 3]))
        XCTAssertEqual(try produce(client, "t", set, version: 2).errorCode, ErrorCode.unsupportedCompressionType.rawValue)
        XCTAssertEqual(try fetch(client, "t").count, 1)
        try await broker.stop()
    }

    func testTopicRulesApplyToConvertedRecords() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await create(broker, "compacted", ["cleanup.policy": "compact"])
        try await create(broker, "bounded", ["message.timestamp.before.max.ms": "3600000"])
        try await create(broker, "gzipped", ["compression.type": "gzip"])
        try await create(broker, "small", ["max.message.bytes": "200"])
        let client = try RawKafkaClient(port: broker.port)
        XCTAssertEqual(try produce(client, "compacted", try legacySet(magic: 0, [("k", "v", 0), (nil, "v", 0)]), version: 0).errorCode,
                       ErrorCode.invalidRecord.rawValue)
        XCTAssertEqual(try produce(client, "compacted", try legacySet(magic: 0, [("k", "v", 0)], codec: .gzip), version: 0).errorCode, 0)
        XCTAssertEqual(try produce(client, "bounded", try legacySet(magic: 1, [("k", "v", now - 7_200_000)]), version: 1).errorCode,
                       ErrorCode.invalidTimestamp.rawValue)
        // Magic 0 has no timestamp (-1), which no bound refuses.
        XCTAssertEqual(try produce(client, "bounded", try legacySet(magic: 0, [("k", "v", 0)]), version: 1).errorCode, 0)
        XCTAssertEqual(try produce(client, "gzipped", try legacySet(magic: 1, [("k", "v", now)], codec: .snappy), version: 2).errorCode, 0)
        XCTAssertEqual(try fetch(client, "gzipped").map(\.header.compression), [.gzip])
        let big = String(repeating: "b", count: 300)
        XCTAssertEqual(try produce(client, "small", try legacySet(magic: 1, [("k", big, now)]), version: 2).errorCode,
                       ErrorCode.messageTooLarge.rawValue)
        // Each message fits, but the converted batch of all of them does not (Kafka checks both).
        let many = (0..<10).map { ("k\($0)", String(repeating: "m", count: 20), now) }
        XCTAssertEqual(try produce(client, "small", try legacySet(magic: 1, many), version: 2).errorCode,
                       ErrorCode.messageTooLarge.rawValue)
        try await broker.stop()
    }

    func testLogAppendTimeTopicStampsConvertedRecordsAndRefusesAProducerClaim() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await create(broker, "lat", ["message.timestamp.type": "LogAppendTime"])
        let client = try RawKafkaClient(port: broker.port)
        let before = Int64(Date().timeIntervalSince1970 * 1000)
        let response = try produce(client, "lat", try legacySet(magic: 1, [("k", "v", 5)], codec: .lz4), version: 2)
        XCTAssertEqual(response.errorCode, 0)
        XCTAssertGreaterThanOrEqual(response.logAppendTimeMs, before)
        let batches = try fetch(client, "lat")
        XCTAssertEqual(batches.first?.header.timestampType, .logAppendTime)
        XCTAssertEqual(strings(batches).first?.2, response.logAppendTimeMs)
        let claim = try legacySet(magic: 1, [("k", "v", 5)], attributes: 0x08)
        XCTAssertEqual(try produce(client, "lat", claim, version: 2).errorCode, ErrorCode.invalidTimestamp.rawValue)
        // On a CreateTime topic the claim passes with a timestamp, not without one.
        try await create(broker, "ct")
        XCTAssertEqual(try produce(client, "ct", claim, version: 2).errorCode, 0)
        let claimWithoutTimestamp = try legacySet(magic: 1, [("k", "v", -1)], attributes: 0x08)
        XCTAssertEqual(try produce(client, "ct", claimWithoutTimestamp, version: 2).errorCode, ErrorCode.invalidTimestamp.rawValue)
        try await broker.stop()
    }

    func testBadLegacySetsAreRefusedWithoutConsumingOffsets() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await create(broker, "t")
        let client = try RawKafkaClient(port: broker.port)
        var corrupt = try legacySet(magic: 1, [("k", "v", now)])
        corrupt.setInteger(UInt8(0x55), at: corrupt.writerIndex - 1)
        XCTAssertEqual(try produce(client, "t", corrupt, version: 2).errorCode, ErrorCode.corruptMessage.rawValue)
        var partial = try legacySet(magic: 0, [("k", "v", 0), ("k2", "v2", 0)])
        partial.moveWriterIndex(to: partial.writerIndex - 3)
        XCTAssertEqual(try produce(client, "t", partial, version: 0).errorCode, ErrorCode.corruptMessage.rawValue)
        var mixed = try legacySet(magic: 0, [("k", "v", 0)])
        var second = try legacySet(magic: 1, [("k", "v", now)])
        mixed.writeBuffer(&second)
        XCTAssertEqual(try produce(client, "t", mixed, version: 1).errorCode, ErrorCode.invalidRecord.rawValue)
        let ok = try produce(client, "t", try legacySet(magic: 1, [("k", "v", now)]), version: 2)
        XCTAssertEqual(ok.errorCode, 0)
        XCTAssertEqual(ok.baseOffset, 0, "refused sets must not consume offsets")
        try await broker.stop()
    }
}

/// `ProduceVersionRules` on bytes alone: which magic a partition's records start with, and the
/// header walk looking for zstd batches, including hostile lengths.
final class LegacyProduceVersionRulesTests: XCTestCase {
    private func batch(_ codec: CompressionCodec) throws -> ByteBuffer {
        var builder = RecordBatchBuilder(codec: codec)
        builder.append(key: nil, value: ByteBuffer(string: "v"), timestamp: 1)
        return try builder.build()
    }

    func testZstdIsFoundInAnyBatchAndOnlyBelowV7() throws {
        var records = try batch(.gzip)
        records.writeImmutableBuffer(try batch(.zstd))
        XCTAssertTrue(ProduceVersionRules.containsZstdBatch(records))
        XCTAssertFalse(ProduceVersionRules.containsZstdBatch(try batch(.lz4)))
        XCTAssertEqual(ProduceVersionRules.refusal(records, version: 6)?.code, .unsupportedCompressionType)
        XCTAssertNil(ProduceVersionRules.refusal(records, version: 7))
        XCTAssertEqual(ProduceVersionRules.refusal(records, version: 0)?.code, .unsupportedCompressionType)
    }

    func testMagicRulesByVersion() throws {
        var legacy = try batch(.none)
        legacy.setInteger(Int8(1), at: legacy.readerIndex + 16)
        XCTAssertTrue(ProduceVersionRules.isLegacy(legacy))
        XCTAssertNil(ProduceVersionRules.refusal(legacy, version: 2))
        let refusal = ProduceVersionRules.refusal(legacy, version: 3)
        XCTAssertEqual(refusal?.code, .invalidRecord)
        XCTAssertEqual(refusal?.message, "Produce requests with version 3 are only allowed to contain record batches with magic version 2")
        XCTAssertFalse(ProduceVersionRules.isLegacy(ByteBuffer(repeating: 0, count: 16)), "too short to tell")
        XCTAssertFalse(ProduceVersionRules.isLegacy(try batch(.none)))
    }

    func testHeaderWalkSurvivesHostileLengths() throws {
        for length: Int32 in [0, -1, .min, .max, 1] {
            var records = try batch(.none)
            records.writeImmutableBuffer(try batch(.none))
            records.setInteger(length, at: records.readerIndex + 8)
            XCTAssertFalse(ProduceVersionRules.containsZstdBatch(records), "length \(length)")
        }
        var rng = SeededRNG(seed: 0x2575)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = ProduceVersionRules.refusal(ByteBuffer(bytes: bytes[...]), version: Int16.random(in: 0...12, using: &rng))
        }
    }
}
