@testable import BrookEtcd
import BrookTestSupport
import Foundation
import XCTest

/// Hostile server bytes: random, truncated and mutated streams and bodies must decode or fail with
/// an `EtcdError`/`DecodingError`, never crash. Seeded, so a failure reproduces.
final class EtcdDecoderFuzzTests: XCTestCase {
    private static let fragments = [
        "{", "}", "[", "]", "\"", "\\", ":", ",", "\"result\"", "\"header\"", "\"revision\"", "\"events\"", "\"kv\"",
        "\"9223372036854775807\"", "\"9223372036854775808\"", "\"-9223372036854775808\"", "\"-1\"", "18446744073709551616",
        "\"created\":true", "\"canceled\":true", "\"compact_revision\"", "\"type\":\"DELETE\"", "\"key\":\"Zm9v\"",
        "\"key\":\"!!notbase64\"", "null", "true", "1e400", "\n", " ", "\u{0}", "\u{FFFF}", "\"error\"",
    ]

    func testWatchDecoderSurvivesRandomInput() {
        var rng = SeededRNG(seed: 0xE7CD_0001)
        let recorded = Array(EtcdWatchStreamDecoderTests.recorded.utf8)
        for round in 0..<3000 {
            var bytes: [UInt8]
            switch round % 4 {
            case 0:   // truncated recording
                bytes = Array(recorded.prefix(Int.random(in: 0...recorded.count, using: &rng)))
            case 1:   // recording with bytes flipped, dropped or inserted
                bytes = recorded
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.remove(at: at)
                    default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                    }
                }
            case 2:   // JSON-ish fragments
                bytes = (0..<Int.random(in: 1...60, using: &rng)).flatMap { _ in
                    Array(Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &rng)].utf8)
                }
            default:  // noise
                bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            var decoder = EtcdWatchStreamDecoder(maxObjectBytes: 4096)
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...64, using: &rng))
                do {
                    _ = try decoder.feed(bytes[offset..<end])
                } catch {
                    break   // an EtcdError.decode; the typed throw guarantees no other kind
                }
                offset = end
            }
        }
    }

    func testResponseShapesSurviveRandomInput() {
        var rng = SeededRNG(seed: 0xE7CD_0002)
        let samples = [
            #"{"header":{"revision":"3"},"kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"3","version":"2","value":"YmF6"}],"count":"1"}"#,
            #"{"header":{"revision":"4"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"4"}}},{"response_range":{"header":{}}}]}"#,
            #"{"header":{"revision":"5"},"deleted":"1","prev_kvs":[{"key":"Zm9v","mod_revision":"4","version":"3","value":"eA=="}]}"#,
            #"{"header":{"revision":"3"},"ID":"2324035780829881099","TTL":"-1","grantedTTL":"5","keys":["Zm9v"]}"#,
            #"{"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5}"#,
        ]
        for round in 0..<3000 {
            var bytes = Array(samples[round % samples.count].utf8)
            if round % 3 == 0 {
                bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
            } else {
                for _ in 0..<Int.random(in: 1...6, using: &rng) {
                    let at = Int.random(in: 0..<bytes.count, using: &rng)
                    let fragment = Array(Self.fragments[Int.random(in: 0..<Self.fragments.count, using: &rng)].utf8)
                    bytes.replaceSubrange(at..<min(bytes.count, at + 1), with: fragment)
                }
            }
            let data = Data(bytes)
            _ = try? JSONDecoder().decode(EtcdRangeResult.self, from: data)
            _ = try? JSONDecoder().decode(EtcdTxnResult.self, from: data)
            _ = try? JSONDecoder().decode(EtcdDeleteResult.self, from: data)
            _ = try? JSONDecoder().decode(EtcdLeaseTimeToLive.self, from: data)
            _ = try? JSONDecoder().decode(WireKeepAlive.self, from: data)
            _ = EtcdClient.serverError(status: 500, body: data)
        }
    }

    func testGatewayErrorBodyBecomesServerError() {
        let body = Data(#"{"error":"etcdserver: mvcc: required revision is a future revision","message":"etcdserver: mvcc: required revision is a future revision","code":11}"#.utf8)
        XCTAssertEqual(EtcdClient.serverError(status: 400, body: body),
                       .server(status: 400, code: 11, message: "etcdserver: mvcc: required revision is a future revision"))
        XCTAssertEqual(EtcdClient.serverError(status: 404, body: Data("Not Found\n".utf8)),
                       .server(status: 404, code: nil, message: "Not Found\n"))
    }
}
