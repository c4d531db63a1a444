@testable import BrookConnect
import BrookSchemas
import BrookTestSupport
import XCTest

/// HttpSourceTask against a real local HTTP server: records from a JSON array, the cursor in the
/// query, resuming from the committed cursor; HttpSourcePage on bad bodies.
final class HttpSourceTaskTests: XCTestCase {
    /// Items with increasing `ts`; the server answers those after `since` under data.items.
    static let items: [(id: Int, ts: String)] = [(7, "2026-01-01T00:00:01Z"), (8, "2026-01-01T00:00:02Z"), (9, "2026-01-01T00:00:03Z")]

    static func answer(_ request: HTTPTestServer.Seen, _ index: Int) -> (status: Int, body: String) {
        var since = ""
        if let query = request.uri.split(separator: "?").dropFirst().first {
            for pair in query.split(separator: "&") where pair.hasPrefix("since=") {
                since = String(pair.dropFirst("since=".count)).replacingOccurrences(of: "%3A", with: ":")
            }
        }
        let newer = items.filter { $0.ts > since }.map { #"{"id":\#($0.id),"ts":"\#($0.ts)","tags":["a"]}"# }
        return (200, #"{"data":{"items":["# + newer.joined(separator: ",") + "]}}")
    }

    private static func config(port: Int) -> [String: String] {
        ["name": "api", "connector.class": "HttpSource", "topic": "events", "http.url": "http://localhost:\(port)/events?limit=10",
         "http.response.records.path": "data.items", "cursor.field": "ts", "key.field": "id", "http.poll.interval.ms": "0"]
    }

    func testElementsBecomeRecordsAndTheCursorResumes() async throws {
        try await HTTPTestServer.run(answer: Self.answer) { port, log in
            let context = FakeSourceTaskContext()
            let task = HttpSourceTask()
            try await task.start(config: Self.config(port: port), context: context)
            let records = try await task.poll()
            XCTAssertEqual(records.map(\.record.key), [.string("7"), .string("8"), .string("9")])
            XCTAssertEqual(records.map(\.record.topic), ["events", "events", "events"])
            XCTAssertEqual(records.first?.record.value,
                           .stringMap([("id", .int64(7)), ("ts", .string("2026-01-01T00:00:01Z")), ("tags", .array([.string("a")]))]))
            XCTAssertEqual(records.map { $0.sourceOffset?["cursor"]?.stringValue }, Self.items.map(\.ts))
            XCTAssertEqual(records.first?.sourcePartition, .object([("url", .string("http://localhost:\(port)/events?limit=10"))]))
            XCTAssertEqual(log.all.first?.uri, "/events?limit=10", "no cursor yet: no since parameter")

            let none = try await task.poll()
            XCTAssertEqual(none.count, 0)
            XCTAssertEqual(log.all.last?.uri, "/events?limit=10&since=2026-01-01T00%3A00%3A03Z")
            await task.stop()

            // A new task resumes from the committed cursor of the second record.
            context.commit(Array(records.prefix(2)))
            let resumed = HttpSourceTask()
            try await resumed.start(config: Self.config(port: port), context: context)
            let rest = try await resumed.poll()
            XCTAssertEqual(rest.map(\.record.key), [.string("9")])
            XCTAssertEqual(log.all.last?.uri, "/events?limit=10&since=2026-01-01T00%3A00%3A02Z")
            await resumed.stop()
        }
    }

    func testServerErrorsAreRetriableAndClientErrorsFailTheTask() async throws {
        try await HTTPTestServer.run(answer: { _, index in index == 0 ? (503, "later") : (404, "no such feed") }) { port, _ in
            let task = HttpSourceTask()
            try await task.start(config: Self.config(port: port), context: FakeSourceTaskContext())
            do {
                _ = try await task.poll()
                XCTFail("no error")
            } catch let error as RetriableConnectError {
                XCTAssertTrue(error.message.contains("HTTP 503: later"), error.message)
            }
            do {
                _ = try await task.poll()
                XCTFail("no error")
            } catch let error as HttpSourceFailure {
                XCTAssertTrue(error.description.contains("HTTP 404: no such feed"), error.description)
            }
        }
    }

    func testThePollIntervalSpacesRequests() async throws {
        try await HTTPTestServer.run(answer: { _, _ in (200, "[]") }) { port, log in
            var config = Self.config(port: port)
            config["http.poll.interval.ms"] = "60000"
            config["http.response.records.path"] = ""
            let task = HttpSourceTask()
            try await task.start(config: config, context: FakeSourceTaskContext())
            _ = try await task.poll()
            let waiting = Task { try await task.poll() }
            try await Task.sleep(for: .milliseconds(50))
            await task.stop()
            _ = try await waiting.value
            XCTAssertEqual(log.all.count, 1, "the second poll waits for the interval instead of fetching")
        }
    }

    private func pageConfig(_ path: String = "data.items") throws -> HttpSourceConfig {
        try HttpSourceConfig(["http.url": "http://h/x", "topic": "t", "http.response.records.path": path, "cursor.field": "n"])
    }

    func testBodiesThatAreNotTheConfiguredArrayAreExplained() throws {
        let config = try pageConfig()
        func failure(_ body: String) -> String? {
            do {
                _ = try HttpSourcePage(body: Array(body.utf8), config: config, cursor: nil)
                return nil
            } catch {
                return error.description
            }
        }
        XCTAssertEqual(failure(#"{"data":{"items":[]}}"#), nil)
        XCTAssertEqual(failure(#"{"data":{}}"#), #"the response of http://h/x has no "data.items" (http.response.records.path)"#)
        XCTAssertEqual(failure(#"{"data":{"items":{}}}"#), #""data.items" of http://h/x is not a JSON array"#)
        XCTAssertTrue(failure("<html>")?.hasPrefix("the response of http://h/x is not JSON") == true)
    }

    func testTheCursorCarriesOverElementsWithoutOne() throws {
        let page = try HttpSourcePage(body: Array(#"{"data":{"items":[{"n":5},{"x":1},{"n":6.5}]}}"#.utf8),
                                      config: try pageConfig(), cursor: .number("4"))
        XCTAssertEqual(page.records.map { $0.sourceOffset?["cursor"] }, [.number("5"), .number("5"), .number("6.5")])
        XCTAssertEqual(page.cursor, .number("6.5"))
        XCTAssertEqual(HTTPTargetURL.percentEncoded("a b/é"), "a%20b%2F%C3%A9")
    }

    /// Mutated, truncated and extreme response bodies: a page or an explanation, never a crash.
    func testArbitraryBodiesNeverCrash() throws {
        let config = try pageConfig("")
        var rng = SeededRNG(seed: 0x477B)
        let seeds = [#"[{"n":1,"k":"a"},{"n":2,"v":[1,2,{"x":null}]}]"#, #"[1,"two",true,null,1e400,-0.0,12345678901234567890123]"#,
                     "[" + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "]"]
        for _ in 0..<2000 {
            var bytes = Array(seeds.randomElement(using: &rng)!.utf8)
            for _ in 0..<Int.random(in: 0...4, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.removeSubrange(at...)
                default: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                }
            }
            _ = try? HttpSourcePage(body: bytes, config: config, cursor: nil)
        }
    }

    func testThePluginRefusesHTTPSAndSchedulesFetches() {
        let validation = ConnectorPlugins.httpSource.validate(["name": "s", "connector.class": "HttpSource", "topic": "t", "http.url": "https://x"])
        XCTAssertEqual(validation.entries.first { $0.key.name == "http.url" }?.errors,
                       ["Invalid value https://x for configuration http.url: https:// URLs are not supported yet (Brook has no TLS client); use http://"])
        var schedule = HttpPollSchedule(interval: .seconds(10))
        let start = ContinuousClock.now
        XCTAssertNil(schedule.wait(now: start), "the first poll fetches at once")
        schedule.fetched(startedAt: start)
        XCTAssertEqual(schedule.wait(now: start + .seconds(2)), .seconds(1), "at most a second per poll")
        XCTAssertEqual(schedule.wait(now: start + .milliseconds(9700)), .milliseconds(300))
        XCTAssertNil(schedule.wait(now: start + .seconds(10)))
    }
}
