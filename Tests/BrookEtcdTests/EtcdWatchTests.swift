@testable import BrookEtcd
import BrookTestSupport
import Logging
import NIOPosix
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
            try await client.put("/cancel", "x")
            let before = client.pool.openConnectionCount
            let events = try await client.watch("/cancel")
            XCTAssertEqual(client.pool.openConnectionCount, before + 1, "a watch has its own connection")
            let watcher = Task {
                for try await _ in events {}
            }
            watcher.cancel()
            _ = await watcher.result
            // The close completes on the event loop; wait for it, bounded.
            let deadline = ContinuousClock.now + .seconds(5)
            while client.pool.openConnectionCount > before && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            XCTAssertEqual(client.pool.openConnectionCount, before, "cancelling the iteration closed the watch's connection")
            try await client.put("/cancel", "y")
            let current = try await client.get("/cancel").first?.valueString
            XCTAssertEqual(current, "y")
        }
    }

    func testWatchFailsOverFromADeadEndpointViaURL() async throws {
        let etcd = try EtcdProcess()
        defer { etcd.stop() }
        let deadPort = try EtcdProcess.freeLoopbackPorts(1)[0]
        let client = try EtcdClient(
            url: "etcd://127.0.0.1:\(deadPort),\(etcd.endpoint)", eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
            configuration: .init(connectTimeout: .milliseconds(500)), logger: Logger(label: "test"))
        do {
            let events = try await client.watch("/fo/", prefix: true)
            let put = try await client.put("/fo/x", "1")
            let event = try await within(5, "the event") {
                for try await event in events { return event }
                throw TimedOut(what: "an event")
            }
            XCTAssertEqual(event.kv.modRevision, put.header.revision)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    func testClientURLMustParse() {
        XCTAssertThrowsError(try EtcdClient(url: "zk://h:1", eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                                            logger: Logger(label: "test")))
    }
}
