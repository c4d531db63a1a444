@testable import BrookConnect
import BrookSchemas
import XCTest

/// HttpSinkTask against a real local HTTP server: batching, JSON rendering, retries, errant records.
final class HttpSinkTaskTests: XCTestCase {
    private static func config(port: Int, _ extra: [String: String] = [:]) -> [String: String] {
        ["name": "http", "connector.class": "HttpSink", "topics": "t", "http.url": "http://localhost:\(port)/ingest?src=brook",
         "retry.backoff.ms": "10"].merging(extra) { $1 }
    }

    private static func records(_ count: Int) -> [ConnectRecord] {
        (1...count).map { ConnectRecord(topic: "t", value: .stringMap([("id", .int64(Int64($0)))]), kafkaOffset: Int64($0)) }
    }

    func testBatchesArePostedAsJSONArraysWithTheConfiguredHeaders() async throws {
        try await HTTPTestServer.run(answer: { _, _ in (200, "{}") }) { port, log in
            let task = HttpSinkTask()
            try await task.start(config: Self.config(port: port, ["batch.max.size": "2", "http.headers": "Authorization:Bearer x|X-Team: data"]),
                                 context: FakeSinkTaskContext())
            let schema = try ConnectSchema.struct(name: "row", [("name", .string), ("raw", .optionalBytes)])
            let row = try ConnectStruct(schema: schema).putting("name", .string("a\"b")).putting("raw", .bytes([1, 2, 3]))
            var batch = Self.records(3)
            batch.append(ConnectRecord(topic: "t", valueSchema: schema, value: .struct(row)))
            batch.append(ConnectRecord(topic: "t", value: .null))
            try await task.put(batch)
            try await task.flush()
            await task.stop()

            let seen = log.all
            XCTAssertEqual(seen.map(\.method), ["POST", "POST", "POST"])
            XCTAssertEqual(seen.map(\.uri), Array(repeating: "/ingest?src=brook", count: 3))
            XCTAssertEqual(seen.map(\.body), [#"[{"id":1},{"id":2}]"#, #"[{"id":3},{"name":"a\"b","raw":"AQID"}]"#, "[null]"])
            XCTAssertEqual(seen.first?.headers["authorization"], "Bearer x")
            XCTAssertEqual(seen.first?.headers["x-team"], "data")
            XCTAssertEqual(seen.first?.headers["content-type"], "application/json")
        }
    }

    func testOneRequestPerRecordWithoutArrays() async throws {
        try await HTTPTestServer.run(answer: { _, _ in (204, "") }) { port, log in
            let task = HttpSinkTask()
            try await task.start(config: Self.config(port: port, ["batch.json.as.array": "false", "http.method": "PUT"]),
                                 context: FakeSinkTaskContext())
            try await task.put(Self.records(2))
            XCTAssertEqual(log.all.map(\.method), ["PUT", "PUT"])
            XCTAssertEqual(log.all.map(\.body), [#"{"id":1}"#, #"{"id":2}"#])
        }
    }

    func testServerErrorsAreRetriedUntilTheRequestSucceeds() async throws {
        try await HTTPTestServer.run(answer: { _, index in index < 2 ? (503, "busy") : (200, "") }) { port, log in
            let context = FakeSinkTaskContext()
            let task = HttpSinkTask()
            try await task.start(config: Self.config(port: port), context: context)
            try await task.put(Self.records(3))
            XCTAssertEqual(log.all.count, 3, "two 503s, then the same body again")
            XCTAssertEqual(Set(log.all.map(\.body)).count, 1)
            XCTAssertTrue(context.errant.withLockedValue { $0.isEmpty })
        }
    }

    func testRetriesRunOutWithARetriableError() async throws {
        try await HTTPTestServer.run(answer: { _, _ in (500, "down") }) { port, log in
            let task = HttpSinkTask()
            try await task.start(config: Self.config(port: port, ["max.retries": "2"]), context: FakeSinkTaskContext())
            do {
                try await task.put(Self.records(1))
                XCTFail("no error")
            } catch let error as RetriableConnectError {
                XCTAssertTrue(error.message.contains("HTTP 500: down (after 3 attempts)"), error.message)
            }
            XCTAssertEqual(log.all.count, 3)
        }
    }

    func testClientErrorsReportEveryRecordOfTheRequestAsErrant() async throws {
        try await HTTPTestServer.run(answer: { request, _ in request.body.contains("\"id\":2") ? (422, "bad id") : (200, "") }) { port, log in
            let context = FakeSinkTaskContext()
            let task = HttpSinkTask()
            try await task.start(config: Self.config(port: port, ["batch.max.size": "2"]), context: context)
            try await task.put(Self.records(3))
            XCTAssertEqual(log.all.count, 2, "a 4xx is not retried")
            let errant = context.errant.withLockedValue { $0 }
            XCTAssertEqual(errant.map(\.record.kafkaOffset), [1, 2])
            XCTAssertEqual(errant.first?.error, "HTTP sink request rejected with HTTP 422: bad id")

            // errors.tolerance=none: the reporter throws and so does put.
            let strict = HttpSinkTask()
            try await strict.start(config: Self.config(port: port), context: FakeSinkTaskContext(tolerateAll: false))
            do {
                try await strict.put(Self.records(2))
                XCTFail("no error")
            } catch is FakeSinkTaskContext.Failed {}
        }
    }

    func testAnUnreachableServerIsRetriable() async throws {
        let task = HttpSinkTask()
        try await task.start(config: Self.config(port: 1, ["max.retries": "1"]), context: FakeSinkTaskContext())
        do {
            try await task.put(Self.records(1))
            XCTFail("no error")
        } catch let error as RetriableConnectError {
            XCTAssertTrue(error.message.contains("cannot connect to localhost:1"), error.message)
        }
    }

    func testThePluginChecksTheURLAndTheHeaders() {
        let base = ["name": "h", "connector.class": "HttpSink", "topics": "t"]
        func errors(_ extra: [String: String]) -> [String: [String]] {
            let validation = ConnectorPlugins.httpSink.validate(base.merging(extra) { $1 })
            return Dictionary(uniqueKeysWithValues: validation.entries.filter { !$0.errors.isEmpty }.map { ($0.key.name, $0.errors) })
        }
        XCTAssertEqual(errors(["http.url": "http://example.com:8080/in"]), [:])
        XCTAssertEqual(errors([:]), ["http.url": ["Missing required configuration \"http.url\" which has no default value."]])
        XCTAssertEqual(errors(["http.url": "https://example.com"]), ["http.url": [
            "Invalid value https://example.com for configuration http.url: https:// URLs are not supported yet (Brook has no TLS client); use http://"]])
        XCTAssertEqual(errors(["http.url": "http://h", "http.headers": "NoColon"]), ["http.headers": [
            "Invalid value NoColon for configuration http.headers: expected Name:Value pairs separated by |"]])
        XCTAssertEqual(errors(["http.url": "http://h", "http.method": "GET"]), ["http.method": [
            "Invalid value GET for configuration http.method: String must be one of: POST, PUT"]])
        XCTAssertNotNil(ConnectorPlugins.plugin(named: "HttpSink")?.tasks)
    }

    func testDeliveryDecisions() {
        var delivery = HttpDelivery(maxRetries: 1, backoff: .milliseconds(5))
        XCTAssertEqual(delivery.next(after: .answered(status: 502, body: "")), .retry(after: .milliseconds(5)))
        XCTAssertEqual(delivery.next(after: .failed(reason: "reset")), .giveUp(reason: "reset (after 2 attempts)"))
        var fresh = HttpDelivery(maxRetries: 0, backoff: .zero)
        XCTAssertEqual(fresh.next(after: .answered(status: 201, body: "")), .delivered)
        XCTAssertEqual(fresh.next(after: .answered(status: 404, body: "no")), .rejected(HttpSinkRejection(status: 404, body: "no")))
        XCTAssertEqual(fresh.next(after: .answered(status: 503, body: "")), .giveUp(reason: "HTTP 503 (after 1 attempt)"))
    }
}
