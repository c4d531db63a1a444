@testable import BrookCluster
import XCTest

final class PeerLivenessTests: XCTestCase {
    private let two = PeerLiveness.Peer(id: 2, host: "127.0.0.1", port: 9093, lease: 77)

    private func reachable() -> PeerLiveness {
        var liveness = PeerLiveness()
        XCTAssertEqual(liveness.update(peers: [two]), [.connect(two)])
        XCTAssertEqual(liveness.observed(.connected, for: two), [])
        return liveness
    }

    func testAProcessThatWasReachableAndNowRefusesTwiceIsRevokedOnce() {
        var liveness = reachable()
        XCTAssertEqual(liveness.observed(.closed, for: two), [.connect(two)])
        XCTAssertEqual(liveness.observed(.refused, for: two), [.connectAfter(two, PeerLiveness.confirmDelay)])
        XCTAssertEqual(liveness.observed(.refused, for: two), [.revoke(two)])
        XCTAssertEqual(liveness.observed(.refused, for: two), [], "revoked once, then left to the watch")
    }

    func testOneRefusalThenASuccessIsNotEnough() {
        var liveness = reachable()
        _ = liveness.observed(.closed, for: two)
        _ = liveness.observed(.refused, for: two)
        XCTAssertEqual(liveness.observed(.connected, for: two), [])
        _ = liveness.observed(.closed, for: two)
        XCTAssertEqual(liveness.observed(.refused, for: two), [.connectAfter(two, PeerLiveness.confirmDelay)])
    }

    func testTimeoutsAndUnreachableNetworksNeverRevoke() {
        var liveness = reachable()
        _ = liveness.observed(.closed, for: two)
        for _ in 0..<10 {
            XCTAssertEqual(liveness.observed(.failed, for: two), [.connectAfter(two, PeerLiveness.retryDelay)])
        }
        XCTAssertEqual(liveness.observed(.refused, for: two), [.connectAfter(two, PeerLiveness.confirmDelay)],
                       "failures in between reset the count")
    }

    func testABrokerNeverReachedUnderItsLeaseIsNotJudgedByRefusals() {
        var liveness = PeerLiveness()
        _ = liveness.update(peers: [two])
        for _ in 0..<5 {
            XCTAssertEqual(liveness.observed(.refused, for: two), [.connectAfter(two, PeerLiveness.retryDelay)])
        }
    }

    func testARestartUnderANewLeaseIsANewPeer() {
        var liveness = reachable()
        var restarted = two
        restarted.lease = 78
        XCTAssertEqual(liveness.update(peers: [restarted]), [.disconnect(two), .connect(restarted)])
        XCTAssertEqual(liveness.observed(.refused, for: two), [], "outcomes of the old lease are ignored")
        XCTAssertEqual(liveness.observed(.refused, for: restarted), [.connectAfter(restarted, PeerLiveness.retryDelay)])
        XCTAssertEqual(liveness.update(peers: []), [.disconnect(restarted)])
        XCTAssertEqual(liveness.peers, [])
    }
}
