@testable import BrookConnect
import BrookTestSupport
import XCTest

/// HTTPTargetURL: what a connection and a request line need from http.url, and clear refusals.
final class HTTPTargetURLTests: XCTestCase {
    func testHostsPortsAndTargets() throws {
        let plain = try HTTPTargetURL("http://example.com")
        XCTAssertEqual([plain.host, String(plain.port), plain.target], ["example.com", "80", "/"])
        let full = try HTTPTargetURL(" http://127.0.0.1:8080/a/b?x=1 ")
        XCTAssertEqual([full.host, String(full.port), full.target], ["127.0.0.1", "8080", "/a/b?x=1"])
        let v6 = try HTTPTargetURL("http://[::1]:9000?q=2")
        XCTAssertEqual([v6.host, String(v6.port), v6.target], ["::1", "9000", "/?q=2"])
        XCTAssertEqual(full.target(adding: "since", "a&b"), "/a/b?x=1&since=a%26b")
        XCTAssertEqual(plain.target(adding: "since", "5"), "/?since=5")
    }

    func testRefusals() {
        XCTAssertEqual(HTTPTargetURL.problem("https://x"), "https:// URLs are not supported yet (Brook has no TLS client); use http://")
        XCTAssertEqual(HTTPTargetURL.problem("ftp://x"), "expected an http:// URL, got \"ftp://x\"")
        XCTAssertEqual(HTTPTargetURL.problem("http://x:0"), "invalid port in \"http://x:0\"")
        XCTAssertEqual(HTTPTargetURL.problem("http://:80/"), "no host in \"http://:80/\"")
        XCTAssertEqual(HTTPTargetURL.problem("http://u:p@x/"), "user information in the URL is not supported")
        XCTAssertNotNil(HTTPTargetURL.problem("http://x/a b"))
        XCTAssertNotNil(HTTPTargetURL.problem("http://[::1"))
    }

    /// Arbitrary text: a URL or a reason, never a crash.
    func testArbitraryTextNeverCrashes() {
        var rng = SeededRNG(seed: 0x0E1)
        let pieces = ["http://", "https://", "[", "]", ":", "/", "?", "@", "#", "h", "1", "65536", "é", " ", "%"]
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            if let url = try? HTTPTargetURL(text) {
                XCTAssertFalse(url.host.isEmpty)
                XCTAssertTrue((1...65535).contains(url.port))
                XCTAssertTrue(url.target.hasPrefix("/"))
            }
        }
    }
}
