import BrookEtcd
import BrookTestSupport
import XCTest

final class EtcdKVTests: XCTestCase {
    func testPutGetPrefixDeleteWithRevisions() async throws {
        try await withEtcd { _, client in
            let first = try await client.put("/b/brokers/1", "one")
            let second = try await client.put("/b/brokers/2", "two")
            XCTAssertEqual(second.header.revision, first.header.revision + 1)
            try await client.put("/b/brokers0", "outside the prefix")
            try await client.put("/b/brokers/1", Array("uno".utf8))

            let one = try await client.get("/b/brokers/1")
            let kv = try XCTUnwrap(one.first)
            XCTAssertEqual(kv.valueString, "uno")
            XCTAssertEqual(kv.keyString, "/b/brokers/1")
            XCTAssertEqual(kv.createRevision, first.header.revision)
            XCTAssertEqual(kv.modRevision, one.header.revision)
            XCTAssertEqual(kv.version, 2)
            XCTAssertEqual(kv.lease, 0)

            let all = try await client.getPrefix("/b/brokers/")
            XCTAssertEqual(all.kvs.map(\.keyString), ["/b/brokers/1", "/b/brokers/2"])
            XCTAssertEqual(all.count, 2)

            let missing = try await client.get("/b/none")
            XCTAssertNil(missing.first)
            XCTAssertEqual(missing.header.revision, one.header.revision)

            let old = try await client.get("/b/brokers/1", revision: first.header.revision)
            XCTAssertEqual(old.first?.valueString, "one")

            let deleted = try await client.delete("/b/brokers/2", prevKV: true)
            XCTAssertEqual(deleted.deleted, 1)
            XCTAssertEqual(deleted.previous.first?.valueString, "two")
            let swept = try await client.deletePrefix("/b/brokers/")
            XCTAssertEqual(swept.deleted, 1)
            let after = try await client.getPrefix("/b/")
            XCTAssertEqual(after.kvs.map(\.keyString), ["/b/brokers0"])
        }
    }

    func testBinaryKeysAndValuesRoundTrip() async throws {
        try await withEtcd { _, client in
            let value: [UInt8] = [0, 1, 0xff, 0x80, 10, 13]
            let put = try await client.put("/bin/\u{00e9}", value)
            let read = try await client.get("/bin/\u{00e9}")
            XCTAssertEqual(read.first?.value, value)
            XCTAssertEqual(read.first?.modRevision, put.header.revision)
        }
    }

    func testFutureRevisionIsAServerErrorWithEtcdsMessage() async throws {
        try await withEtcd { _, client in
            do {
                _ = try await client.get("/x", revision: 1_000_000)
                XCTFail("read at a future revision succeeded")
            } catch EtcdError.server(let status, let code, let message) {
                XCTAssertEqual(status, 400)
                XCTAssertEqual(code, 11)
                XCTAssertTrue(message.contains("future revision"), message)
            }
        }
    }

    func testStatusAnswers() async throws {
        try await withEtcd { _, client in
            let status = try await client.status()
            XCTAssertTrue(status.version.hasPrefix("3."), status.version)
            XCTAssertNotEqual(status.leader, 0)
        }
    }

    func testFailsOverFromADeadEndpoint() async throws {
        let etcd = try EtcdProcess()
        defer { etcd.stop() }
        let deadPort = try EtcdProcess.freeLoopbackPorts(1)[0]
        let client = makeClient(["127.0.0.1:\(deadPort)", etcd.endpoint])
        do {
            try await client.put("/failover", "ok")
            let read = try await client.get("/failover")
            XCTAssertEqual(read.first?.valueString, "ok")
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    func testAllEndpointsDeadListsEachOne() async throws {
        let ports = try EtcdProcess.freeLoopbackPorts(2)
        let client = makeClient(ports.map { "127.0.0.1:\($0)" })
        defer { Task { await client.shutdown() } }
        do {
            _ = try await client.get("/x")
            XCTFail("request to dead endpoints succeeded")
        } catch EtcdError.unreachable(let tried) {
            XCTAssertEqual(tried.count, 2)
            XCTAssertTrue(tried[0].hasPrefix("127.0.0.1:\(ports[0])"), tried[0])
            XCTAssertTrue(tried[1].hasPrefix("127.0.0.1:\(ports[1])"), tried[1])
        }
    }

    func testRequestsAfterShutdownFail() async throws {
        try await withEtcd { _, client in
            try await client.put("/k", "v")
            await client.shutdown()
            do {
                _ = try await client.get("/k")
                XCTFail("request after shutdown succeeded")
            } catch EtcdError.shutdown {}
        }
    }

    func testSurvivesAnEtcdRestartBetweenRequests() async throws {
        try await withEtcd { etcd, client in
            try await client.put("/restart", "before")
            etcd.kill()
            try etcd.restart()
            // The idle keep-alive connection died with etcd; the client redials.
            let read = try await client.get("/restart")
            XCTAssertEqual(read.first?.valueString, "before")
        }
    }
}

final class EtcdHungServerTests: XCTestCase {
    func testPausedEtcdTimesOutThenRecovers() async throws {
        let etcd = try EtcdProcess()
        defer { etcd.stop() }
        let client = makeClient([etcd.endpoint], requestTimeout: .milliseconds(500))
        do {
            try await client.put("/hang", "before")
            etcd.pause()
            let started = ContinuousClock.now
            do {
                _ = try await client.get("/hang")
                XCTFail("a paused etcd answered")
            } catch EtcdError.timeout(let endpoint, let milliseconds) {
                XCTAssertEqual(endpoint, etcd.endpoint)
                XCTAssertEqual(milliseconds, 500)
                XCTAssertLessThan(ContinuousClock.now - started, .seconds(2))
            }
            etcd.resume()
            let read = try await client.get("/hang")
            XCTAssertEqual(read.first?.valueString, "before")
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
