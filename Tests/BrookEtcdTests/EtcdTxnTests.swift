import BrookEtcd
import XCTest

final class EtcdTxnTests: XCTestCase {
    func testCompareAndSwapSucceedsOnlyAtTheExpectedModRevision() async throws {
        try await withEtcd { _, client in
            let created = try await client.compareAndSwap("/p/0", expectedModRevision: 0, value: Array("epoch1".utf8))
            XCTAssertTrue(created.succeeded)
            let revision = created.header.revision

            let stale = try await client.compareAndSwap("/p/0", expectedModRevision: revision - 1, value: Array("stale".utf8))
            XCTAssertFalse(stale.succeeded)
            guard case .get(let current)? = stale.results.first else { return XCTFail("no read-back: \(stale)") }
            XCTAssertEqual(current.first?.valueString, "epoch1")
            XCTAssertEqual(current.first?.modRevision, revision)

            let swapped = try await client.compareAndSwap("/p/0", expectedModRevision: revision, value: Array("epoch2".utf8))
            XCTAssertTrue(swapped.succeeded)
            let stored = try await client.get("/p/0").first?.valueString
            XCTAssertEqual(stored, "epoch2")
        }
    }

    func testPutIfAbsent() async throws {
        try await withEtcd { _, client in
            let firstClaim = try await client.putIfAbsent("/controller", Array("node-1".utf8))
            XCTAssertNil(firstClaim)
            let existing = try await client.putIfAbsent("/controller", Array("node-2".utf8))
            XCTAssertEqual(existing?.valueString, "node-1")
        }
    }

    func testEveryCompareTargetAndResult() async throws {
        try await withEtcd { _, client in
            let put = try await client.put("/c", "m")
            let rev = put.header.revision
            let holds: [EtcdCompare] = [
                .value("/c", .equal, "m"), .value("/c", .notEqual, "x"), .value("/c", .greater, "a"), .value("/c", .less, "z"),
                .version("/c", .equal, 1), .version("/c", .greater, 0), .version("/c", .less, 2),
                .createRevision("/c", .equal, rev), .createRevision("/c", .less, rev + 1),
                .modRevision("/c", .equal, rev), .modRevision("/c", .greater, rev - 1), .modRevision("/c", .notEqual, rev + 5),
            ]
            for compare in holds {
                let result = try await client.txn(compare: [compare], success: [], failure: [])
                XCTAssertTrue(result.succeeded, "\(compare) should hold")
            }
            let fails: [EtcdCompare] = [.value("/c", .equal, "n"), .version("/c", .greater, 1), .modRevision("/c", .less, rev)]
            for compare in fails {
                let result = try await client.txn(compare: [compare], success: [], failure: [])
                XCTAssertFalse(result.succeeded, "\(compare) should not hold")
            }
        }
    }

    func testBranchesRunPutGetAndDeleteInOrder() async throws {
        try await withEtcd { _, client in
            try await client.put("/t/a", "1")
            try await client.put("/t/b", "2")
            let result = try await client.txn(
                compare: [.version("/t/a", .equal, 1)],
                success: [.put("/t/c", "3"), .getPrefix("/t/"), .delete("/t/a"), .deletePrefix("/t/b")],
                failure: [])
            XCTAssertTrue(result.succeeded)
            XCTAssertEqual(result.results.count, 4)
            guard case .put = result.results[0], case .get(let range) = result.results[1],
                  case .delete(let one) = result.results[2], case .delete(let prefix) = result.results[3] else {
                return XCTFail("unexpected results \(result.results)")
            }
            XCTAssertEqual(range.kvs.map(\.keyString), ["/t/a", "/t/b", "/t/c"])
            XCTAssertEqual(one.deleted, 1)
            XCTAssertEqual(prefix.deleted, 1)
            let left = try await client.getPrefix("/t/").kvs.map(\.keyString)
            XCTAssertEqual(left, ["/t/c"])
        }
    }

    func testTwoClientsRacingExactlyOneWins() async throws {
        try await withEtcd { etcd, client in
            let other = makeClient([etcd.endpoint])
            defer { Task { await other.shutdown() } }
            let start = try await client.put("/epoch", "0")
            let base = start.header.revision
            for round in 0..<20 {
                let current = try await client.get("/epoch")
                let expected = try XCTUnwrap(current.first?.modRevision)
                async let a = client.compareAndSwap("/epoch", expectedModRevision: expected, value: Array("a\(round)".utf8))
                async let b = other.compareAndSwap("/epoch", expectedModRevision: expected, value: Array("b\(round)".utf8))
                let (ra, rb) = try await (a, b)
                XCTAssertNotEqual(ra.succeeded, rb.succeeded, "round \(round): exactly one CAS must win")
                let winner = ra.succeeded ? "a\(round)" : "b\(round)"
                let stored = try await client.get("/epoch").first?.valueString
                XCTAssertEqual(stored, winner)
            }
            let version = try await client.get("/epoch").first?.version
            XCTAssertEqual(version, 21)
            let revision = try await client.get("/epoch").header.revision
            XCTAssertGreaterThan(revision, base)
        }
    }
}
