@testable import brook
import Foundation
import NIOCore
import XCTest

final class ListenErrorTests: XCTestCase {
    func testErrnoBecomesWordsAndTheAddressIsNamed() {
        let inUse = ListenError(host: "127.0.0.1", port: 9092, underlying: IOError(errnoCode: EADDRINUSE, reason: "bind(descriptor:ptr:bytes:)"))
        XCTAssertEqual(inUse.description, "cannot listen on 127.0.0.1:9092: address already in use")
        let privileged = ListenError(host: "0.0.0.0", port: 80, underlying: IOError(errnoCode: EACCES, reason: "bind"))
        XCTAssertEqual(privileged.description, "cannot listen on 0.0.0.0:80: permission denied (ports below 1024 need privileges)")
        let v6 = ListenError(host: "::1", port: 9092, underlying: IOError(errnoCode: EADDRNOTAVAIL, reason: "bind"))
        XCTAssertEqual(v6.description, "cannot listen on [::1]:9092: cannot assign requested address (no such address on this host)")
    }
}
