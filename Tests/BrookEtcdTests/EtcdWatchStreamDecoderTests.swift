@testable import BrookEtcd
import XCTest

final class EtcdWatchStreamDecoderTests: XCTestCase {
    /// A `/v3/watch` body as etcd 3.4.23's gateway wrote it (created, PUTs without a type field, a
    /// DELETE with prev_kv), then a compaction cancel from a second watch.
    static let recorded = """
    {"result":{"header":{"cluster_id":"324952591200643719","member_id":"3319814642761637952","revision":"5","raft_term":"2"},"created":true}}
    {"result":{"header":{"cluster_id":"324952591200643719","member_id":"3319814642761637952","revision":"5","raft_term":"2"},"events":[{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}},{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"3","version":"2","value":"YmF6"},"prev_kv":{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}},{"type":"DELETE","kv":{"key":"Zm9v","mod_revision":"5"},"prev_kv":{"key":"Zm9v","create_revision":"2","mod_revision":"3","version":"2","value":"YmF6"}}]}}
    {"result":{"header":{"cluster_id":"324952591200643719","member_id":"3319814642761637952","raft_term":"2"},"canceled":true,"compact_revision":"5"}}

    """

    static let expected: [EtcdWatchMessage] = {
        let header = EtcdResponseHeader(clusterId: 324952591200643719, memberId: 3319814642761637952, revision: 5, raftTerm: 2)
        let v1 = EtcdKeyValue(key: Array("foo".utf8), value: Array("bar".utf8), createRevision: 2, modRevision: 2, version: 1)
        let v2 = EtcdKeyValue(key: Array("foo".utf8), value: Array("baz".utf8), createRevision: 2, modRevision: 3, version: 2)
        let deleted = EtcdKeyValue(key: Array("foo".utf8), modRevision: 5)
        return [
            .created(header),
            .events(header, [EtcdWatchEvent(kind: .put, kv: v1), EtcdWatchEvent(kind: .put, kv: v2, previous: v1),
                             EtcdWatchEvent(kind: .delete, kv: deleted, previous: v2)]),
            .canceled(reason: "", compactRevision: 5),
        ]
    }()

    func testDecodesRecordedStreamInOneChunk() throws {
        var decoder = EtcdWatchStreamDecoder()
        XCTAssertEqual(try decoder.feed(Array(Self.recorded.utf8)), Self.expected)
        XCTAssertFalse(decoder.hasPartialMessage)
    }

    func testEverySplitPointGivesTheSameMessages() throws {
        let bytes = Array(Self.recorded.utf8)
        for split in 0...bytes.count {
            var decoder = EtcdWatchStreamDecoder()
            var messages = try decoder.feed(bytes[..<split])
            messages += try decoder.feed(bytes[split...])
            XCTAssertEqual(messages, Self.expected, "split at \(split)")
        }
    }

    func testByteByByteAndPartialFlag() throws {
        let bytes = Array(Self.recorded.utf8)
        var decoder = EtcdWatchStreamDecoder()
        var messages: [EtcdWatchMessage] = []
        for (index, byte) in bytes.enumerated() {
            messages += try decoder.feed([byte])
            if index == 10 { XCTAssertTrue(decoder.hasPartialMessage) }
        }
        XCTAssertEqual(messages, Self.expected)
    }

    func testBracesInsideStringsDoNotEndTheObject() throws {
        var decoder = EtcdWatchStreamDecoder()
        let text = #"{"result":{"canceled":true,"cancel_reason":"odd } { \" ] reason"}}"#
        XCTAssertEqual(try decoder.feed(Array(text.utf8)), [.canceled(reason: #"odd } { " ] reason"#, compactRevision: 0)])
    }

    func testProgressAndInStreamError() throws {
        var decoder = EtcdWatchStreamDecoder()
        let text = #"{"result":{"header":{"revision":"9"}}}{"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}}"#
        XCTAssertEqual(try decoder.feed(Array(text.utf8)), [
            .progress(EtcdResponseHeader(revision: 9)), .error(code: 14, message: "etcdserver: no leader"),
        ])
    }

    func testGarbageBetweenObjectsIsADecodeError() {
        var decoder = EtcdWatchStreamDecoder()
        XCTAssertThrowsError(try decoder.feed(Array("{\"result\":{}} x".utf8))) { error in
            guard case EtcdError.decode = error else { return XCTFail("\(error)") }
        }
    }

    func testOversizedObjectIsRefused() {
        var decoder = EtcdWatchStreamDecoder(maxObjectBytes: 64)
        XCTAssertThrowsError(try decoder.feed(Array(("{\"result\":\"" + String(repeating: "a", count: 100) + "\"}").utf8)))
    }

    func testUnknownEventTypeIsADecodeError() {
        var decoder = EtcdWatchStreamDecoder()
        XCTAssertThrowsError(try decoder.feed(Array(#"{"result":{"events":[{"type":"MOVE"}]}}"#.utf8)))
    }

    func testInt64Extremes() throws {
        func revision(_ literal: String) throws -> Int64 {
            var decoder = EtcdWatchStreamDecoder()
            let messages = try decoder.feed(Array(#"{"result":{"header":{"revision":\#(literal)}}}"#.utf8))
            guard case .progress(let header) = messages.first else { throw EtcdError.decode("no progress") }
            return header.revision
        }
        XCTAssertEqual(try revision(#""9223372036854775807""#), Int64.max)
        XCTAssertEqual(try revision(#""-9223372036854775808""#), Int64.min)
        XCTAssertEqual(try revision("42"), 42)
        for bad in [#""9223372036854775808""#, #""-9223372036854775809""#, #""1e3""#, #""""#, #"" 1""#, "1e30", "true", #""0x10""#] {
            XCTAssertThrowsError(try revision(bad), bad) { error in
                guard case EtcdError.decode = error else { return XCTFail("\(bad): \(error)") }
            }
        }
    }

    func testPrefixEnd() {
        XCTAssertEqual(EtcdKeyRange.prefixEnd(Array("/brokers/".utf8)), Array("/brokers0".utf8))
        XCTAssertEqual(EtcdKeyRange.prefixEnd([0x61, 0xff, 0xff]), [0x62])
        XCTAssertEqual(EtcdKeyRange.prefixEnd([0xff]), [0])
        XCTAssertEqual(EtcdKeyRange.prefixEnd([]), [0])
    }
}
