@testable import BrookBroker
import Foundation
import Logging
import XCTest

/// Start-up raises the soft open-file limit to the hard limit.
final class FileDescriptorLimitTests: XCTestCase {
    private func limits() -> (soft: UInt64, hard: UInt64) {
        var value = rlimit()
        XCTAssertEqual(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &value), 0)
        return (UInt64(value.rlim_cur), UInt64(value.rlim_max))
    }

    func testTarget() {
        XCTAssertEqual(FileDescriptorLimit.target(soft: 1024, hard: 20_000), 20_000)
        XCTAssertNil(FileDescriptorLimit.target(soft: 20_000, hard: 20_000))
    }

    func testSoftLimitIsRaisedToTheHardLimit() throws {
        let original = limits()
        try XCTSkipIf(original.hard < 512, "hard limit too low to lower the soft one safely")
        var lowered = rlimit(rlim_cur: rlim_t(256), rlim_max: rlim_t(original.hard))
        XCTAssertEqual(setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered), 0)
        defer {
            var restore = rlimit(rlim_cur: rlim_t(original.soft), rlim_max: rlim_t(original.hard))
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &restore)
        }
        XCTAssertEqual(limits().soft, 256)
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        XCTAssertEqual(FileDescriptorLimit.raiseToHardLimit(logger: logger), original.hard)
        XCTAssertEqual(limits().soft, original.hard)
    }
}
