@testable import BrookEtcd
import XCTest

final class LeaseKeeperStateTests: XCTestCase {
    private let t0 = ContinuousClock.now

    func testRefreshesEveryThirdOfTheTTL() {
        var state = LeaseKeeperState(ttlSeconds: 3, grantedAt: t0)
        XCTAssertEqual(state.start(now: t0), .refresh(at: t0 + .seconds(1), giveUpAt: t0 + .seconds(3)))
        let sent = t0 + .seconds(1)
        XCTAssertEqual(state.refreshed(ttlSeconds: 3, sentAt: sent, now: sent + .milliseconds(10)),
                       .refresh(at: sent + .milliseconds(1010), giveUpAt: sent + .seconds(3)))
    }

    func testExpiryCountsFromWhenTheRefreshWasSent() {
        var state = LeaseKeeperState(ttlSeconds: 3, grantedAt: t0)
        let sent = t0 + .seconds(1)
        _ = state.refreshed(ttlSeconds: 3, sentAt: sent, now: sent + .milliseconds(900))
        XCTAssertEqual(state.expiresAt, sent + .seconds(3))
    }

    func testFailuresRetryUntilTheTTLRunsOutThenReportUnreachable() {
        var state = LeaseKeeperState(ttlSeconds: 3, grantedAt: t0)
        let failure = EtcdError.unreachable(["127.0.0.1:1: refused"])
        guard case .refresh(let retryAt, let giveUpAt) = state.refreshFailed(failure, now: t0 + .seconds(1)) else {
            return XCTFail("expected a retry")
        }
        XCTAssertEqual(retryAt, t0 + .milliseconds(1500))
        XCTAssertEqual(giveUpAt, t0 + .seconds(3))
        guard case .refresh(let lastTry, _) = state.refreshFailed(failure, now: t0 + .milliseconds(2800)) else {
            return XCTFail("expected a retry")
        }
        XCTAssertEqual(lastTry, t0 + .seconds(3), "never retries past the expiry")
        XCTAssertEqual(state.refreshFailed(failure, now: t0 + .seconds(3)), .lost(.unreachable("\(failure)")))
    }

    func testLeaseNotFoundIsLostAtOnce() {
        var state = LeaseKeeperState(ttlSeconds: 10, grantedAt: t0)
        XCTAssertEqual(state.refreshFailed(.leaseNotFound(7), now: t0 + .seconds(1)), .lost(.expired))
    }

    func testNoAnswerByTheDeadlineIsLost() {
        var state = LeaseKeeperState(ttlSeconds: 2, grantedAt: t0)
        guard case .lost(.unreachable) = state.deadlinePassed(now: t0 + .seconds(2)) else { return XCTFail() }
    }
}
