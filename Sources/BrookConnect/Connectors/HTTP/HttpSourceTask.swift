import BrookRegistryClient
import BrookSchemas
import Logging

/// Polls an HTTP endpoint for JSON records (`"connector.class": "HttpSource"`): every
/// `http.poll.interval.ms` it GETs `http.url` — with `?<cursor.param>=<last cursor>` once a cursor
/// is known — and turns each element of the JSON array at `http.response.records.path` into a
/// record (`HttpSourcePage`). Source partition `{"url": http.url}`, offset `{"cursor": …}`: after a
/// restart it asks from the committed cursor. 5xx answers and connection errors are retriable; a
/// 4xx answer or a body that is not the configured JSON fails the task with the reason.
public actor HttpSourceTask: SourceTask {
    static let maxResponseBytes = 64 << 20

    private var config: HttpSourceConfig?
    private var client: PlainHTTPClient?
    private var context: (any SourceTaskContext)?
    private var schedule = HttpPollSchedule(interval: .zero)
    /// The cursor to ask from; read from the committed offset before the first fetch.
    private var cursor: JSONValue?
    private var cursorLoaded = false
    private let pause = PollPause()
    private let logger: Logger

    public init(logger: Logger = Logger(label: "brook.connect.http-source")) {
        self.logger = logger
    }

    public func start(config: [String: String], context: any SourceTaskContext) async throws {
        let parsed = try HttpSourceConfig(config)
        self.config = parsed
        self.context = context
        schedule = HttpPollSchedule(interval: parsed.pollInterval)
        client = PlainHTTPClient(host: parsed.url.host, port: parsed.url.port, timeout: parsed.requestTimeout,
                                 maxResponseBytes: Self.maxResponseBytes)
    }

    public func poll() async throws -> [SourceRecord] {
        guard let config, let client, let context, !pause.isStopped else { return [] }
        let now = ContinuousClock.now
        if let wait = schedule.wait(now: now) {
            await pause.wait(wait)
            return []
        }
        if !cursorLoaded {
            cursor = try await context.offset(for: .object([("url", .string(config.urlText))]))?["cursor"]
            cursorLoaded = true
        }
        var target = config.url.target
        if config.cursorField != nil, let cursor, let text = HttpSourcePage.text(cursor) {
            target = config.url.target(adding: config.cursorParam, text)
        }
        let response: PlainHTTPClient.Response
        do {
            response = try await client.send(PlainHTTPClient.Request(method: "GET", path: target, headers: [("Accept", "application/json")]))
        } catch {
            throw RetriableConnectError("HTTP source GET \(config.url.host):\(config.url.port)\(target) failed: \(error)")
        }
        schedule.fetched(startedAt: now)
        let quoted = String(String(decoding: response.body.prefix(500), as: UTF8.self))
        switch response.status {
        case 200..<300:
            break
        case 400..<500:
            throw HttpSourceFailure(description: "HTTP source GET \(config.urlText) answered HTTP \(response.status): \(quoted)")
        default:
            throw RetriableConnectError("HTTP source GET \(config.urlText) answered HTTP \(response.status): \(quoted)")
        }
        let page: HttpSourcePage
        do {
            page = try HttpSourcePage(body: response.body, config: config, cursor: cursor)
        } catch {
            throw HttpSourceFailure(description: error.description)
        }
        cursor = page.cursor
        if page.records.isEmpty {
            // Nothing new: wait here rather than be polled again at once (a zero interval too).
            await pause.wait(schedule.wait(now: ContinuousClock.now) ?? .milliseconds(100))
        }
        return page.records
    }

    public func stop() async {
        pause.stop()
    }
}

/// Why the HTTP source task failed (not retried: the URL, the records path or the server's answer
/// needs fixing).
public struct HttpSourceFailure: Error, Sendable, CustomStringConvertible {
    public var description: String
}
