import BrookBroker
import BrookProtocol
import Foundation
import NIOCore
import XCTest

/// Replays the request frames real clients sent to Apache Kafka 3.3.1 (Tests/Fixtures/golden) against a
/// real Brook, and checks each answer has the shape Kafka's had: same correlation id, decodes at
/// the same version consuming every byte, and the same error codes where Kafka's are deterministic.
///
/// `index.jsonl` groups frames by connection, not by time, so topic state is set up first: every
/// topic Kafka reported is created with Kafka's partition count. Offsets are not compared, since
/// the interleaving of producers on different connections is lost.
final class GoldenReplayTests: XCTestCase {
    struct Entry: Decodable {
        let conn: Int
        let seq: Int
        let api: String
        let key: Int16
        let version: Int16
        let file: String
    }

    static var goldenRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden/kafka-3.3.1")
    }

    func testReplayEveryClient() async throws {
        let root = Self.goldenRoot
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.path), "golden frames missing at \(root.path)")
        for client in ["kcat", "confluent", "kafkapython", "aiokafka", "java"] {
            try await replay(client: client, root: root.appendingPathComponent(client))
        }
    }

    private func replay(client: String, root: URL) async throws {
        let index = try String(contentsOf: root.appendingPathComponent("index.jsonl"), encoding: .utf8)
        let entries = try index.split(separator: "\n").map { try JSONDecoder().decode(Entry.self, from: Data($0.utf8)) }
        // CreateTopics is replayed on a broker of its own, where the topics do not exist yet.
        try await replay(client: client, root: root, entries: entries.filter { $0.api == "CreateTopics" }, precreate: false)
        try await replay(client: client, root: root, entries: entries.filter { $0.api != "CreateTopics" }, precreate: true)
    }

    private func replay(client: String, root: URL, entries: [Entry], precreate: Bool) async throws {
        guard !entries.isEmpty else { return }
        let broker = try await TestBroker()
        defer { broker.removeData() }
        for (name, partitions) in try topicsKafkaReported(entries, root: root) where precreate {
            try await broker.broker.topics.createTopic(name: name, partitions: partitions, replicationFactor: 1, configs: [:],
                                                 validateOnly: false)
        }
        var replayed = 0
        do {
            var connections: [Int: RawKafkaClient] = [:]
            for entry in entries {
                guard let api = ApiKey(rawValue: entry.key), let supported = Self.supported[api], supported.contains(entry.version)
                else { continue }
                let request = try Data(contentsOf: root.appendingPathComponent(entry.file + "-req.bin"))
                // A transactional produce needs the transaction's InitProducerId/AddPartitionsToTxn, not replayed here.
                if api == .produce && Self.isTransactionalProduce(request, version: entry.version) { continue }
                let responseURL = root.appendingPathComponent(entry.file + "-resp.bin")
                let connection = try connections[entry.conn] ?? RawKafkaClient(port: broker.port)
                connections[entry.conn] = connection
                connection.sendRaw(ByteBuffer(bytes: request))
                guard FileManager.default.fileExists(atPath: responseURL.path) else { continue }  // acks=0
                let context = "\(client) \(entry.file)"
                var ours = try XCTUnwrap(connection.readFrame(), context)
                var theirs = ByteBuffer(bytes: try Data(contentsOf: responseURL))
                theirs.moveReaderIndex(forwardBy: 4)
                // kafka-python's ApiVersions v4 got Kafka 3.3.1's "unsupported" answer in the v0 layout; Brook supports v4.
                let headerVersion = api.responseHeaderVersion(apiVersion: entry.version)
                let ourHeader = try ResponseHeader(from: &ours, headerVersion: headerVersion)
                let theirHeader = try ResponseHeader(from: &theirs, headerVersion: headerVersion)
                XCTAssertEqual(ourHeader.correlationId, theirHeader.correlationId, context)
                try compare(api: api, version: entry.version, ours: &ours, theirs: &theirs, context: context,
                            sessionRequested: Self.fetchUsesSession(request, version: entry.version))
                XCTAssertEqual(ours.readableBytes, 0, "\(context): response has trailing bytes")
                replayed += 1
            }
        }
        XCTAssertGreaterThan(replayed, 0, "\(client): no frames replayed")
        try await broker.stop()
    }

    /// Topic name → partition count from every successful Metadata response Kafka gave.
    private func topicsKafkaReported(_ entries: [Entry], root: URL) throws -> [String: Int32] {
        var topics: [String: Int32] = [:]
        for entry in entries where entry.api == "Metadata" {
            let url = root.appendingPathComponent(entry.file + "-resp.bin")
            guard let data = try? Data(contentsOf: url) else { continue }
            var buffer = ByteBuffer(bytes: data)
            buffer.moveReaderIndex(forwardBy: 4)
            _ = try ResponseHeader(from: &buffer, headerVersion: ApiKey.metadata.responseHeaderVersion(apiVersion: entry.version))
            let response = try MetadataResponse(from: &buffer, version: entry.version)
            for topic in response.topics where topic.errorCode == 0 {
                guard let name = topic.name, !name.hasPrefix("__") else { continue }
                topics[name] = max(topics[name] ?? 0, Int32(topic.partitions.count))
            }
        }
        return topics
    }

    /// Whether a Produce request frame carries a transactional id.
    static func isTransactionalProduce(_ frame: Data, version: Int16) -> Bool {
        var buffer = ByteBuffer(bytes: frame)
        buffer.moveReaderIndex(forwardBy: 4)
        guard let _ = try? RequestHeader(from: &buffer, headerVersion: ApiKey.produce.requestHeaderVersion(apiVersion: version)),
              let request = try? ProduceRequest(from: &buffer, version: version)
        else { return false }
        return !(request.transactionalId ?? "").isEmpty
    }

    /// Whether a Fetch request frame names a fetch session (id or epoch > 0).
    static func fetchUsesSession(_ frame: Data, version: Int16) -> Bool {
        var buffer = ByteBuffer(bytes: frame)
        buffer.moveReaderIndex(forwardBy: 4)
        guard let header = try? RequestHeader(from: &buffer, headerVersion: ApiKey.fetch.requestHeaderVersion(apiVersion: version)),
              header.apiKey == ApiKey.fetch.rawValue,
              let request = try? FetchRequest(from: &buffer, version: version)
        else { return false }
        return request.sessionId != 0 || request.sessionEpoch > 0
    }

    static let supported: [ApiKey: ClosedRange<Int16>] = [
        .apiVersions: 0...4, .metadata: 0...12, .produce: 3...11, .fetch: 4...12, .listOffsets: 1...7, .createTopics: 2...7,
    ]

    private func compare(api: ApiKey, version: Int16, ours: inout ByteBuffer, theirs: inout ByteBuffer, context: String,
                         sessionRequested: Bool) throws {
        switch api {
        case .apiVersions:
            let o = try ApiVersionsResponse(from: &ours, version: version)
            XCTAssertEqual(o.errorCode, 0, context)
            XCTAssertFalse(o.apiKeys.isEmpty, context)
        case .metadata:
            let o = try MetadataResponse(from: &ours, version: version)
            let t = try MetadataResponse(from: &theirs, version: version)
            XCTAssertEqual(o.brokers.count, 1, context)
            XCTAssertNotNil(o.clusterId, context)
            // Kafka lists what it has; a topic Kafka had just auto-created answers LEADER_NOT_AVAILABLE
            // there, while Brook creates synchronously and answers it ready.
            // Where Kafka had the topic, Brook has it the same way; where Kafka was still creating it
            // (LEADER_NOT_AVAILABLE, or UNKNOWN_TOPIC_OR_PARTITION in KRaft), Brook already has it.
            let ourTopics = Dictionary(o.topics.map { ($0.name ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            for topic in t.topics where topic.errorCode == 0 && !(topic.name ?? "").hasPrefix("__") {
                let mine = try XCTUnwrap(ourTopics[topic.name ?? ""], "\(context) topic \(topic.name ?? "?") missing")
                XCTAssertEqual(mine.errorCode, 0, "\(context) topic \(topic.name ?? "?")")
                XCTAssertEqual(mine.partitions.count, topic.partitions.count, "\(context) topic \(topic.name ?? "?")")
            }
        case .produce:
            let o = try ProduceResponse(from: &ours, version: version)
            let t = try ProduceResponse(from: &theirs, version: version)
            XCTAssertEqual(o.responses.map(\.name), t.responses.map(\.name), context)
            for (a, b) in zip(o.responses, t.responses) {
                XCTAssertEqual(a.partitionResponses.map(\.errorCode), b.partitionResponses.map(\.errorCode), context)
                XCTAssertTrue(a.partitionResponses.allSatisfy { $0.errorCode != 0 || $0.baseOffset >= 0 }, context)
            }
        case .fetch:
            let o = try FetchResponse(from: &ours, version: version)
            let t = try FetchResponse(from: &theirs, version: version)
            if sessionRequested {
                // Kafka had handed this client a fetch session; Brook never does (KIP-227 allows it).
                XCTAssertEqual(o.errorCode, ErrorCode.fetchSessionIdNotFound.rawValue, context)
                return
            }
            XCTAssertEqual(o.errorCode, t.errorCode, context)
            XCTAssertEqual(o.responses.map(\.topic), t.responses.map(\.topic), context)
            for (a, b) in zip(o.responses, t.responses) {
                XCTAssertEqual(a.partitions.map(\.errorCode), b.partitions.map(\.errorCode), context)
                XCTAssertEqual(a.partitions.map(\.logStartOffset), b.partitions.map(\.logStartOffset), context)
            }
        case .listOffsets:
            let o = try ListOffsetsResponse(from: &ours, version: version)
            let t = try ListOffsetsResponse(from: &theirs, version: version)
            XCTAssertEqual(o.topics.map(\.name), t.topics.map(\.name), context)
            for (a, b) in zip(o.topics, t.topics) {
                XCTAssertEqual(a.partitions.map(\.errorCode), b.partitions.map(\.errorCode), context)
            }
        case .createTopics:
            let o = try CreateTopicsResponse(from: &ours, version: version)
            let t = try CreateTopicsResponse(from: &theirs, version: version)
            XCTAssertEqual(o.topics.map(\.name), t.topics.map(\.name), context)
            XCTAssertEqual(o.topics.map(\.errorCode), t.topics.map(\.errorCode), context)
        default:
            XCTFail("\(context): no comparison for \(api)")
        }
    }
}
