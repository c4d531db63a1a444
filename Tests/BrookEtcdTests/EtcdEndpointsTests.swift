import BrookEtcd
import XCTest

final class EtcdEndpointsTests: XCTestCase {
    func testParsesSchemeAndSeveralEndpoints() throws {
        XCTAssertEqual(try EtcdEndpoints.parse("etcd://h1:2379,10.0.0.2:2380"),
                       [EtcdEndpoint(host: "h1", port: 2379), EtcdEndpoint(host: "10.0.0.2", port: 2380)])
    }

    func testSchemeIsOptionalAndDuplicatesCollapse() throws {
        XCTAssertEqual(try EtcdEndpoints.parse("127.0.0.1:1,127.0.0.1:1"), [EtcdEndpoint(host: "127.0.0.1", port: 1)])
    }

    func testBracketedIPv6() throws {
        let endpoints = try EtcdEndpoints.parse("etcd://[::1]:2379")
        XCTAssertEqual(endpoints, [EtcdEndpoint(host: "::1", port: 2379)])
        XCTAssertEqual(endpoints[0].description, "[::1]:2379")
    }

    func testRejectsBadInputWithTheReason() {
        let cases: [(String, String)] = [
            ("", "no endpoints"), ("etcd://", "no endpoints"), ("http://h:1", "unsupported scheme"),
            ("etcd://h", "not HOST:PORT"), ("etcd://h:0", "not 1...65535"), ("etcd://h:65536", "not 1...65535"),
            ("etcd://h:x", "not 1...65535"), ("etcd://:2379", "empty or malformed host"), ("etcd://h:1,", "not HOST:PORT"),
            ("etcd://::1:2379", "not HOST:PORT"), ("etcd://[::1]2379", "not [IPV6]:PORT"),
        ]
        for (input, reason) in cases {
            XCTAssertThrowsError(try EtcdEndpoints.parse(input), input) { error in
                guard case EtcdError.invalidEndpoints(let message) = error else { return XCTFail("\(input): \(error)") }
                XCTAssertTrue(message.contains(reason), "\(input): \(message)")
            }
        }
    }
}
