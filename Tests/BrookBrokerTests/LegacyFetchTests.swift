@testable import BrookBroker
import BrookProtocol
@testable import BrookRecords
import NIOCore
import XCTest

/// Fetch v0–3 against a real broker: records down-converted to magic 0 (v0–1) and magic 1 (v2–3)
/// for every codec, zstd refused below v10, `message.downconversion.enable=false` answered
/// UNSUPPORTED_VERSION, limits, and long polls.
final class LegacyFetchTests: XCTestCase {
    /// A top-level legacy entry with its wrapper unpacked: (absolute offset, magic, codec, value).
    private struct Entry: Equatable {
        var offset: Int64
        var magic: Int8
        var codec: CompressionCodec
        var value: String?
    }

    /// Decodes a legacy message set (CRC-checked), unpacking wrappers; a trailing partial message is ignored.
    private func decode(_ records: ByteBuffer?, inner: Bool = false) throws -> [Entry] {
        var rest = try XCTUnwrap(records)
        var out: [Entry] = []
        while rest.readableBytes >= 12, let size = rest.getInteger(at: rest.readerIndex + 8, as: Int32.self),
              rest.readableBytes >= 12 + Int(size) {
            let offset = rest.readInteger(as: Int64.self)!
            rest.moveReaderIndex(forwardBy: 4)
            var message = rest.readSlice(length: Int(size))!
            let crc = message.readInteger(as: UInt32.self)!
            XCTAssertEqual(CRC32.checksum(message), crc)
            let magic = message.readInteger(as: Int8.self)!
            let codec = CompressionCodec(rawValue: message.readInteger(as: Int8.self)! & 7)!
            if magic == 1 { message.moveReaderIndex(forwardBy: 8) }
            let keyLength = message.readInteger(as: Int32.self)!
            message.moveReaderIndex(forwardBy: max(0, Int(keyLength)))
            let valueLength = message.readInteger(as: Int32.self)!
            let value = valueLength < 0 ? nil : message.readSlice(length: Int(valueLength))
            guard codec != .none, var compressed = value else {
                out.append(Entry(offset: offset, magic: magic, codec: codec, value: value.map { String(buffer: $0) }))
                continue
            }
            if codec == .lz4 && magic == 0 {
                let hc = UInt8(truncatingIfNeeded: XXH32.shortHash(compressed.getBytes(at: compressed.readerIndex + 4, length: 2)!) >> 8)
                compressed.setInteger(hc, at: compressed.readerIndex + 6)
            }
            let unpacked = try decode(Compression.decompress(compressed, codec: codec, maxOutput: 1 << 24), inner: true)
            let shift = magic == 1 ? offset - (unpacked.last?.offset ?? 0) : 0
            out += unpacked.map { Entry(offset: $0.offset + shift, magic: $0.magic, codec: codec, value: $0.value) }
        }
        return out
    }

    private func produce(_ client: RawKafkaClient, topic: String, codec: CompressionCodec, values: [String]) throws {
        var builder = RecordBatchBuilder(codec: codec)
        for value in values {
            builder.append(key: ByteBuffer(string: "k"), value: ByteBuffer(string: value),
                           headers: [RecordHeader(key: "h", value: nil)], timestamp: 1_700_000_000_000)
        }
        let request = ProduceRequest(acks: -1, timeoutMs: 5000, topicData: [
            .init(name: topic, partitionData: [.init(index: 0, records: try builder.build())]),
        ])
        let response = try client.request(request, version: 9, as: ProduceResponse.self)
        XCTAssertEqual(response.responses.first?.partitionResponses.first?.errorCode, 0)
    }

    private func fetch(_ client: RawKafkaClient, _ topic: String, offset: Int64 = 0, version: Int16,
                       partitionMaxBytes: Int32 = 1 << 20, maxBytes: Int32 = 1 << 20,
                       maxWaitMs: Int32 = 0) throws -> FetchResponse.PartitionData {
        let request = fetchRequest(topic, offset: offset, partitionMaxBytes: partitionMaxBytes, maxBytes: maxBytes, maxWaitMs: maxWaitMs)
        let response = try client.request(request, version: version, as: FetchResponse.self)
        return try XCTUnwrap(response.responses.first?.partitions.first)
    }

    private func fetchRequest(_ topic: String, offset: Int64, partitionMaxBytes: Int32, maxBytes: Int32, maxWaitMs: Int32) -> FetchRequest {
        FetchRequest(replicaId: -1, maxWaitMs: maxWaitMs, minBytes: 1, maxBytes: maxBytes, topics: [
            .init(topic: topic, partitions: [.init(partition: 0, fetchOffset: offset, partitionMaxBytes: partitionMaxBytes)]),
        ])
    }

    func testEveryCodecIsDownConvertedForV0ToV3() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let fetchVersions = try client.request(ApiVersionsRequest(), version: 0, as: ApiVersionsResponse.self)
            .apiKeys.first { $0.apiKey == ApiKey.fetch.rawValue }
        XCTAssertEqual(fetchVersions?.minVersion, 0)
        let codecs: [CompressionCodec] = [.none, .gzip, .snappy, .lz4]
        for (i, codec) in codecs.enumerated() {
            try produce(client, topic: "t", codec: codec, values: (0..<3).map { "\(codec)-\(i * 3 + $0)" })
        }
        let expectedValues = codecs.enumerated().flatMap { i, codec in (0..<3).map { "\(codec)-\(i * 3 + $0)" } }
        for version: Int16 in 0...3 {
            let data = try fetch(client, "t", version: version)
            XCTAssertEqual(data.errorCode, 0)
            XCTAssertEqual(data.highWatermark, 12)
            let entries = try decode(data.records)
            XCTAssertEqual(entries.map(\.offset), Array(0..<12), "v\(version)")
            XCTAssertEqual(entries.map(\.value), expectedValues)
            XCTAssertEqual(Set(entries.map(\.magic)), [version <= 1 ? 0 : 1])
            XCTAssertEqual(entries.map(\.codec), codecs.flatMap { Array(repeating: $0, count: 3) })
            // From the middle of the uncompressed batch: the records before the fetch offset are left out.
            XCTAssertEqual(try decode(try fetch(client, "t", offset: 1, version: version).records).first?.offset, 1)
            // From the middle of a compressed batch: the wrapper is whole, as Kafka sends it.
            XCTAssertEqual(try decode(try fetch(client, "t", offset: 4, version: version).records).first?.offset, 3)
        }
        // v4+ still sends the stored batches.
        let v4 = try fetch(client, "t", version: 4)
        XCTAssertEqual(try RecordBatch.decodeAll(XCTUnwrap(v4.records), maxDecompressedSize: 1 << 20).map(\.header.compression), codecs)
        try await broker.stop()
    }

    func testZstdIsRefusedBelowV10AndEndsTheRecordsBeforeIt() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "m", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        try await broker.broker.topics.createTopic(name: "z", partitions: 1, replicationFactor: 1,
                                             configs: ["compression.type": "zstd"], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        try produce(client, topic: "m", codec: .gzip, values: ["a", "b"])
        try produce(client, topic: "m", codec: .zstd, values: ["c"])
        try produce(client, topic: "z", codec: .none, values: ["x"])
        let unsupported = ErrorCode.unsupportedCompressionType.rawValue
        for version: Int16 in 0...9 {
            let head = try fetch(client, "m", version: version)
            XCTAssertEqual(head.errorCode, 0, "v\(version)")
            if version < 4 {
                XCTAssertEqual(try decode(head.records).map(\.value), ["a", "b"])
            } else {
                XCTAssertEqual(try RecordBatch.decodeAll(XCTUnwrap(head.records), maxDecompressedSize: 1 << 20).count, 1)
            }
            XCTAssertEqual(try fetch(client, "m", offset: 2, version: version).errorCode, unsupported, "v\(version)")
            // A topic whose compression.type is zstd is refused whatever its batches hold, as in Kafka.
            XCTAssertEqual(try fetch(client, "z", version: version).errorCode, unsupported, "v\(version)")
        }
        for version: Int16 in [10, 17] {
            let request = fetchRequest("m", offset: 2, partitionMaxBytes: 1 << 20, maxBytes: 1 << 20, maxWaitMs: 0)
            var named = request
            if version >= 13 { named.topics[0].topicId = try XCTUnwrap(broker.broker.topics.topic(named: "m")?.id) }
            let data = try XCTUnwrap(try client.request(named, version: version, as: FetchResponse.self).responses.first?.partitions.first)
            XCTAssertEqual(data.errorCode, 0)
            let batches = try RecordBatch.decodeAll(XCTUnwrap(data.records), maxDecompressedSize: 1 << 20)
            XCTAssertEqual(batches.map(\.header.compression), [.zstd])
        }
        try await broker.stop()
    }

    func testDownconversionDisabledAnswersUnsupportedVersion() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "off", partitions: 1, replicationFactor: 1,
                                             configs: ["message.downconversion.enable": "false"], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        try produce(client, topic: "off", codec: .none, values: ["x"])
        for version: Int16 in 0...3 {
            let data = try fetch(client, "off", version: version)
            XCTAssertEqual(data.errorCode, ErrorCode.unsupportedVersion.rawValue, "v\(version)")
            XCTAssertEqual(data.records?.readableBytes ?? 0, 0)
        }
        XCTAssertEqual(try fetch(client, "off", version: 4).errorCode, 0)
        try await broker.stop()
    }

    func testLimitsKeepTheFirstMessageWhole() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let client = try RawKafkaClient(port: broker.port)
        let big = String(repeating: "x", count: 500)
        try produce(client, topic: "t", codec: .none, values: [big, big, big])
        for version: Int16 in 0...3 {
            // Smaller than one message: the first still comes whole, and only it.
            let one = try decode(try fetch(client, "t", version: version, partitionMaxBytes: 10).records)
            XCTAssertEqual(one.map(\.offset), [0], "v\(version)")
            XCTAssertEqual(one.first?.value, big)
            // Room for a bit more than two converted messages: two.
            let two = try fetch(client, "t", version: version, partitionMaxBytes: 1200)
            XCTAssertEqual(try decode(two.records).map(\.offset), [0, 1], "v\(version)")
            XCTAssertLessThanOrEqual(two.records?.readableBytes ?? 0, 1200)
        }
        // v3's response max_bytes bounds the whole response (first message still whole).
        let capped = try fetch(client, "t", version: 3, partitionMaxBytes: 1 << 20, maxBytes: 600)
        XCTAssertEqual(try decode(capped.records).map(\.offset), [0])
        try await broker.stop()
    }

    func testLongPollWakesOnAppend() async throws {
        let broker = try await TestBroker()
        defer { broker.removeData() }
        try await broker.broker.topics.createTopic(name: "t", partitions: 1, replicationFactor: 1, configs: [:], validateOnly: false)
        let consumer = try RawKafkaClient(port: broker.port)
        let producer = try RawKafkaClient(port: broker.port)
        let started = ContinuousClock.now
        let request = fetchRequest("t", offset: 0, partitionMaxBytes: 1 << 20, maxBytes: 1 << 20, maxWaitMs: 8000)
        let (frame, _) = consumer.frame(request, version: 1)
        consumer.sendRaw(frame)
        try produce(producer, topic: "t", codec: .gzip, values: ["late"])
        var body = try XCTUnwrap(consumer.readFrame())
        _ = try ResponseHeader(from: &body, headerVersion: 0)
        let response = try FetchResponse(from: &body, version: 1)
        XCTAssertEqual(try decode(response.responses.first?.partitions.first?.records).map(\.value), ["late"])
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(7))
        try await broker.stop()
    }
}
