import BrookEtcd
import BrookTestSupport
import Logging
import XCTest

final class EtcdLeaseTests: XCTestCase {
    func testKeyUnderALeaseDisappearsWhenItExpires() async throws {
        try await withEtcd { _, client in
            let lease = try await client.grantLease(ttlSeconds: 2)
            XCTAssertGreaterThan(lease.id, 0)
            XCTAssertEqual(lease.ttlSeconds, 2)
            let put = try await client.put("/brokers/1", "alive", lease: lease.id)
            let leaseOfKey = try await client.get("/brokers/1").first?.lease
            XCTAssertEqual(leaseOfKey, lease.id)
            let ttl = try await client.timeToLive(lease.id, keys: true)
            XCTAssertTrue(ttl.exists)
            XCTAssertEqual(ttl.grantedTTLSeconds, 2)
            XCTAssertEqual(ttl.keys, [Array("/brokers/1".utf8)])

            let events = try await client.watch("/brokers/1", fromRevision: put.header.revision + 1)
            let expiry = try await within(10, "the lease to expire") {
                for try await event in events { return event }
                throw TimedOut(what: "an event")
            }
            XCTAssertEqual(expiry.kind, .delete)
            let afterExpiry = try await client.get("/brokers/1").first
            XCTAssertNil(afterExpiry)
            let stillExists = try await client.timeToLive(lease.id).exists
            XCTAssertFalse(stillExists)
            do {
                try await client.keepAliveOnce(lease.id)
                XCTFail("keep-alive of an expired lease succeeded")
            } catch EtcdError.leaseNotFound(let id) {
                XCTAssertEqual(id, lease.id)
            }
        }
    }

    func testKeepAliveKeepsTheKey() async throws {
        try await withEtcd { _, client in
            let lease = try await client.grantLease(ttlSeconds: 2)
            try await client.put("/kept", "yes", lease: lease.id)
            // Refreshed for longer than the TTL: the point is elapsed time, so this waits on the clock.
            for _ in 0..<6 {
                try await Task.sleep(for: .milliseconds(500))
                let ttl = try await client.keepAliveOnce(lease.id)
                XCTAssertEqual(ttl, 2)
            }
            let kept = try await client.get("/kept").first?.valueString
            XCTAssertEqual(kept, "yes")
        }
    }

    func testRevokeDeletesKeysAndSecondRevokeIsNotFound() async throws {
        try await withEtcd { _, client in
            let lease = try await client.grantLease(ttlSeconds: 30)
            try await client.put("/revoked", "x", lease: lease.id)
            try await client.revokeLease(lease.id)
            let afterRevoke = try await client.get("/revoked").first
            XCTAssertNil(afterRevoke)
            do {
                try await client.revokeLease(lease.id)
                XCTFail("second revoke succeeded")
            } catch EtcdError.leaseNotFound {}
        }
    }

    func testPutUnderAnUnknownLeaseFails() async throws {
        try await withEtcd { _, client in
            do {
                try await client.put("/x", "y", lease: 12345)
                XCTFail("put under an unknown lease succeeded")
            } catch EtcdError.server(let status, let code, let message) {
                XCTAssertEqual(status, 404)
                XCTAssertEqual(code, 5)
                XCTAssertTrue(message.contains("lease not found"), message)
            }
        }
    }

    func testLeaseKeeperKeepsTheLeaseAndReportsRevocation() async throws {
        try await withEtcd { _, client in
            let lease = try await client.grantLease(ttlSeconds: 2)
            try await client.put("/keeper", "x", lease: lease.id)
            let keeper = LeaseKeeper(client: client, lease: lease, logger: Logger(label: "test"))
            defer { keeper.stop() }
            try await Task.sleep(for: .seconds(3))   // longer than the TTL: only the keeper keeps it
            let keptValue = try await client.get("/keeper").first?.valueString
            XCTAssertEqual(keptValue, "x")
            try await client.revokeLease(lease.id)
            let loss = try await within(5, "the keeper to notice the revocation") {
                for await loss in keeper.losses { return loss }
                throw TimedOut(what: "a loss")
            }
            XCTAssertEqual(loss, .expired)
        }
    }

    func testLeaseKeeperReportsLossWhenEtcdStops() async throws {
        try await withEtcd { etcd, client in
            let lease = try await client.grantLease(ttlSeconds: 2)
            let keeper = LeaseKeeper(client: client, lease: lease, logger: Logger(label: "test"))
            defer { keeper.stop() }
            let stoppedAt = ContinuousClock.now
            etcd.kill()
            let loss = try await within(6, "the keeper to report the loss") {
                for await loss in keeper.losses { return loss }
                throw TimedOut(what: "a loss")
            }
            guard case .unreachable = loss else { return XCTFail("\(loss)") }
            XCTAssertLessThanOrEqual(ContinuousClock.now - stoppedAt, .milliseconds(2500), "reported within about one TTL")
        }
    }

    func testLeaseKeeperReportsLossWhenEtcdHangs() async throws {
        try await withEtcd { etcd, client in
            let lease = try await client.grantLease(ttlSeconds: 2)
            let keeper = LeaseKeeper(client: client, lease: lease, logger: Logger(label: "test"))
            defer { keeper.stop() }
            let pausedAt = ContinuousClock.now
            etcd.pause()
            // The client's request timeout (3 s) is longer than the TTL: the keeper must not wait for it.
            let loss = try await within(6, "the keeper to report the loss") {
                for await loss in keeper.losses { return loss }
                throw TimedOut(what: "a loss")
            }
            etcd.resume()
            guard case .unreachable = loss else { return XCTFail("\(loss)") }
            XCTAssertLessThanOrEqual(ContinuousClock.now - pausedAt, .milliseconds(2500), "reported within about one TTL")
        }
    }

    func testLeaseKeeperStopEndsTheStreamWithoutALoss() async throws {
        try await withEtcd { _, client in
            let keeper = LeaseKeeper(client: client, lease: try await client.grantLease(ttlSeconds: 5), logger: Logger(label: "test"))
            keeper.stop()
            let losses = try await within(5, "the stream to end") {
                var seen: [EtcdLeaseLoss] = []
                for await loss in keeper.losses { seen.append(loss) }
                return seen
            }
            XCTAssertEqual(losses, [])
        }
    }
}
