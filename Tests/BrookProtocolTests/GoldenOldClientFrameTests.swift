import BrookProtocol
import Foundation
import NIOCore
import XCTest

/// Frames recorded from clients pinned to old protocol levels (Tests/Fixtures/golden/old-clients,
/// written by scripts/capture-frames.py through tests/integration/test_old_clients.py): every
/// frame of a generated API decodes completely at its version and re-encodes to the same bytes,
/// and the record sets inside carry the message format their folder and version promise.
final class GoldenOldClientFrameTests: XCTestCase {
    /// The message format each capture's producer uses: kafka-python 0.10 writes magic 1, the
    /// 0.9 levels magic 0; librdkafka/kcat with fallback 0.10.0.0 query ApiVersions and write v2.
    /// In `-reads-v2` and `-zstd` captures a current producer wrote v2 batches for the old consumer.
    /// The Go captures: sarama 1.22 at its default config writes magic 0, at 0.10.0.0 and kafka-go
    /// 0.2 magic 1; the Burrow-style capture's data comes from librdkafka (v2).
    static let produceMagic: [String: UInt8] = [
        "kafkapython-0.10": 1,
        "kafkapython-0.9": 0,
        "librdkafka-0.9.0.0": 0,
        "librdkafka-0.10.0.0": 2,
        "kcat-0.9.0.0": 0,
        "kcat-0.10.0.0": 2,
        "kafkapython-0.10-reads-v2": 2,
        "kafkapython-0.9-reads-v2": 2,
        "librdkafka-0.9.0.0-reads-v2": 2,
        "kafkapython-0.10-zstd": 2,
        "librdkafka-0.9.0.0-zstd": 2,
        "sarama-default": 0,
        "sarama-0.10.0.0": 1,
        "kafka-go": 1,
        "sarama-default-burrow": 2,
    ]

    /// Captures that must be present: the old protocol levels this suite is about.
    static let requiredClients: Set<String> = ["kafkapython-0.10", "kafkapython-0.9", "librdkafka-0.9.0.0"]

    func testEveryRequestDecodesAndReencodes() throws {
        let frames = try OldClientFrames.load().filter(\.isRequest)
        XCTAssertFalse(frames.isEmpty)
        for frame in frames {
            guard let range = GeneratedApis.versions[frame.api] else {
                XCTFail("\(frame.fileName): \(frame.api) has no generated codec")
                continue
            }
            XCTAssertTrue(range.contains(frame.version), "\(frame.fileName): v\(frame.version) outside \(range)")
            assertRoundTrip(frame)
        }
    }

    func testEveryResponseDecodesAndReencodes() throws {
        for frame in try OldClientFrames.load() where !frame.isRequest && GeneratedApis.versions[frame.api] != nil {
            assertRoundTrip(frame)
        }
    }

    func testCapturesCoverTheOldApis() throws {
        let frames = try OldClientFrames.load()
        XCTAssertTrue(Self.requiredClients.isSubset(of: Set(frames.map(\.client))), "missing captures")
        for client in Self.requiredClients {
            let requests = frames.filter { $0.client == client && $0.isRequest }
            let maxProduce = requests.filter { $0.api == .produce }.map(\.version).max()
            let maxFetch = requests.filter { $0.api == .fetch }.map(\.version).max()
            XCTAssertNotNil(maxProduce, "\(client): no Produce request")
            XCTAssertLessThanOrEqual(maxProduce ?? 99, 2, "\(client): Produce above v2")
            XCTAssertNotNil(maxFetch, "\(client): no Fetch request")
            XCTAssertLessThanOrEqual(maxFetch ?? 99, 3, "\(client): Fetch above v3")
        }
    }

    func testProducedRecordSetsHaveTheClientsFormat() throws {
        let frames = try OldClientFrames.load().filter { $0.isRequest && $0.api == .produce }
        XCTAssertFalse(frames.isEmpty)
        for frame in frames {
            guard let magic = Self.produceMagic[frame.client] else {
                XCTFail("\(frame.client): unknown capture folder; add its message format above")
                continue
            }
            let request = try XCTUnwrap(GoldenCodec.decode(frame).message as? ProduceRequest, frame.fileName)
            let sets = request.topicData.flatMap(\.partitionData).compactMap(\.records)
            XCTAssertFalse(sets.isEmpty, frame.fileName)
            for records in sets {
                let magics = RecordSetMagics.scan(records)
                XCTAssertFalse(magics.isEmpty, frame.fileName)
                XCTAssertEqual(Set(magics), [magic], frame.fileName)
            }
        }
    }

    /// Kafka down-converts Fetch v0–1 answers to magic 0 and v2–3 answers to magic 1.
    func testFetchedRecordSetsHaveTheFormatOfTheirVersion() throws {
        let frames = try OldClientFrames.load().filter { !$0.isRequest && $0.api == .fetch }
        for frame in frames {
            let response = try XCTUnwrap(GoldenCodec.decode(frame).message as? FetchResponse, frame.fileName)
            let expected: UInt8 = frame.version <= 1 ? 0 : frame.version <= 3 ? 1 : 2
            for records in response.responses.flatMap(\.partitions).compactMap(\.records) {
                let magics = RecordSetMagics.scan(records)
                if frame.version <= 3 {
                    XCTAssertEqual(Set(magics).subtracting([expected]), [], frame.fileName)
                } else {
                    XCTAssertTrue(magics.allSatisfy { $0 == 2 }, frame.fileName)
                }
            }
        }
    }

    /// The recorded conversations are the successful ones the integration tests assert, so a
    /// re-capture from a broker that refuses old versions cannot slip in unnoticed.
    func testOldLevelConversationsSucceed() throws {
        let frames = try OldClientFrames.load().filter { Self.requiredClients.contains($0.client) && !$0.isRequest }
        var checked: Set<ApiKey> = []
        for frame in frames {
            let message = try GoldenCodec.decode(frame).message
            var errors: [Int16] = []
            switch message {
            case let response as ProduceResponse:
                errors = response.responses.flatMap(\.partitionResponses).map(\.errorCode)
            case let response as FetchResponse:
                errors = response.responses.flatMap(\.partitions).map(\.errorCode)
            case let response as ListOffsetsResponse:
                let partitions = response.topics.flatMap(\.partitions)
                errors = partitions.map(\.errorCode)
                if frame.version == 0 {
                    XCTAssertTrue(partitions.allSatisfy { $0.oldStyleOffsets.count == 1 }, frame.fileName)
                }
            case let response as OffsetCommitResponse:
                errors = response.topics.flatMap(\.partitions).map(\.errorCode)
            default:
                continue
            }
            XCTAssertFalse(errors.isEmpty, frame.fileName)
            XCTAssertEqual(Set(errors), [ErrorCode.none.rawValue], frame.fileName)
            checked.insert(frame.api)
        }
        XCTAssertEqual(checked, [.produce, .fetch, .listOffsets, .offsetCommit])
    }

    /// Kafka answers Fetch below v10 for a zstd batch with UNSUPPORTED_COMPRESSION_TYPE.
    func testZstdCapturesAnswerUnsupportedCompressionType() throws {
        let frames = try OldClientFrames.load().filter { $0.client.hasSuffix("-zstd") && !$0.isRequest && $0.api == .fetch }
        XCTAssertFalse(frames.isEmpty)
        for frame in frames {
            XCTAssertLessThan(frame.version, 10, frame.fileName)
            let response = try XCTUnwrap(GoldenCodec.decode(frame).message as? FetchResponse, frame.fileName)
            let errors = response.responses.flatMap(\.partitions).map(\.errorCode)
            XCTAssertEqual(Set(errors), [ErrorCode.unsupportedCompressionType.rawValue], frame.fileName)
        }
    }

    func testIndexListsEveryRequestFile() throws {
        for client in try OldClientFrames.clients() {
            let folder = OldClientFrames.directory.appendingPathComponent(client)
            let index = try String(contentsOf: folder.appendingPathComponent("index.jsonl"), encoding: .utf8)
            let listed = Set(index.split(separator: "\n").compactMap { line -> String? in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                return object?["file"] as? String
            })
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            let requests = Set(files.filter { $0.hasSuffix("-req.bin") }.map { String($0.dropLast("-req.bin".count)) })
            XCTAssertEqual(listed, requests, client)
            for response in files where response.hasSuffix("-resp.bin") {
                XCTAssertTrue(requests.contains(String(response.dropLast("-resp.bin".count))), "\(client)/\(response) has no request")
            }
        }
    }

    private func assertRoundTrip(_ frame: GoldenFrame, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let (header, message, rest) = try GoldenCodec.decode(frame)
            XCTAssertEqual(rest.readableBytes, 0, "\(frame.fileName): \(rest.readableBytes) bytes left", file: file, line: line)
            let encoded = GoldenCodec.encode(frame, header: header, message: message)
            XCTAssertEqual(Array(encoded.readableBytesView), Array(frame.body.readableBytesView), "\(frame.fileName): re-encode differs", file: file, line: line)
        } catch {
            XCTFail("\(frame.fileName): \(error)", file: file, line: line)
        }
    }
}

/// Loads Tests/Fixtures/golden/old-clients/<client>/ (one folder per client and protocol level).
enum OldClientFrames {
    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden/old-clients").standardized
    }

    static func clients() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".md") }.sorted()
    }

    static func load() throws -> [GoldenFrame] {
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw GoldenMissing(path: directory.path)
        }
        var frames: [GoldenFrame] = []
        for client in try clients() {
            let folder = directory.appendingPathComponent(client)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".bin") }.sorted()
            for name in names {
                // c001-0002-Produce-v2-req.bin
                let parts = name.dropLast(4).split(separator: "-")
                guard parts.count == 5, let version = Int16(parts[3].dropFirst()) else {
                    throw GoldenMissing(path: "\(client)/\(name): unexpected file name")
                }
                let apiName = parts[2].prefix(1).lowercased() + parts[2].dropFirst()
                guard let api = ApiKey.allCases.first(where: { String(describing: $0) == apiName }) else {
                    throw GoldenMissing(path: "\(client)/\(name): unknown API \(parts[2])")
                }
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                frames.append(GoldenFrame(
                    client: client, fileName: "\(client)/\(name)", api: api, version: version,
                    isRequest: parts[4] == "req", frame: ByteBuffer(bytes: data)))
            }
        }
        return frames
    }
}

/// The magic byte of each top-level entry of a record set. Legacy messages (offset, size, CRC,
/// magic) and v2 batches (base offset, length, leader epoch, magic) both put it at byte 16; a
/// partial entry at the end, which Fetch responses may carry, is not counted.
enum RecordSetMagics {
    static func scan(_ records: ByteBuffer) -> [UInt8] {
        var magics: [UInt8] = []
        var position = records.readerIndex
        let end = records.writerIndex
        while end - position >= 17,
              let size = records.getInteger(at: position + 8, as: Int32.self),
              size >= 0, Int(size) <= end - position - 12,
              let magic = records.getInteger(at: position + 16, as: UInt8.self) {
            magics.append(magic)
            position += 12 + Int(size)
        }
        return magics
    }
}
