import BrookEtcd
import XCTest

final class EtcdWatchTests: XCTestCase {
    func testSeesPutsAndDeletesInOrderFromARevision() async throws {
        try await withEtcd { _, client in
            let first = try await client.put("/w/a", "1")
            try await client.put("/w/b", "2")
            try await client.put("/elsewhere", "ignored")
            let events = try await client.watch("/w/", prefix: true, fromRevision: first.header.revision, prevKV: true)
            try await client.put("/w/a", "3")
            try await client.delete("/w/b")

            let seen = try await within(5, "four events") {
                var seen: [EtcdWatchEvent] = []
                for try await event in events {
                    seen.append(event)
                    if seen.count == 4 { break }
                }
                return seen
            }
            XCTAssertEqual(seen.map(\.kind), [.put, .put, .put, .delete])
            XCTAssertEqual(seen.map(\.kv.keyString), ["/w/a", "/w/b", "/w/a", "/w/b"])
            let r = first.header.revision   // then b at r+1, /elsewhere at r+2, a at r+3, the delete at r+4
            XCTAssertEqual(seen.map(\.kv.modRevision), [r, r + 1, r + 3, r + 4])
            XCTAssertEqual(seen[2].previous?.valueString, "1")
            XCTAssertEqual(seen[3].previous?.valueString, "2")
            XCTAssertEqual(seen[2].kv.valueString, "3")
        }
    }

    func testStoppingEtcdEndsTheStreamWithAnError() async throws {
        try await withEtcd { etcd, client in
            let events = try await client.watch("/gone")
            etcd.kill()
            do {
                try await within(5, "the stream to fail") {
                    for try await event in events { XCTFail("unexpected event \(event)") }
                }
                XCTFail("the watch ended without an error")
            } catch EtcdError.connectionClosed {}
        }
    }

    func testCompactedStartRevisionIsADistinctError() async throws {
        try await withEtcd { _, client in
            let first = try await client.put("/cmp", "1")
            let last = try await client.put("/cmp", "2")
            try await client.compact(revision: last.header.revision)
            do {
                let events = try await client.watch("/cmp", fromRevision: first.header.revision)
                try await within(5, "the compaction error") {
                    for try await event in events { XCTFail("unexpected event \(event)") }
                }
                XCTFail("the watch ended without an error")
            } catch EtcdError.compacted(let revision) {
                XCTAssertEqual(revision, last.header.revision)
            }
        }
    }

    func testEndingTheIterationClosesTheWatch() async throws {
        try await withEtcd { _, client in
            let watcher = Task {
                let events = try await client.watch("/cancel")
                for try await _ in events {}
            }
            // Writes still work while a watch is open, and after it is cancelled.
            try await client.put("/cancel", "x")
            watcher.cancel()
            _ = await watcher.result
            try await client.put("/cancel", "y")
            let current = try await client.get("/cancel").first?.valueString
            XCTAssertEqual(current, "y")
        }
    }
}
