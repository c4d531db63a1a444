import BrookRegistryClient
import Logging

/// Sends records to an HTTP endpoint (`"connector.class": "HttpSink"`): each `put` is cut into
/// batches of `batch.max.size` records, sent as one JSON array per request (or one request per
/// record with `batch.json.as.array=false`) with `http.method` and `http.headers`. Failures follow
/// `HttpDelivery`: 4xx → the batch's records are reported errant; 5xx and connection errors →
/// retried, then `RetriableConnectError`. A `put` returns once every request was answered, so
/// `flush()` has nothing left to do. Delivery is at least once: a batch retried by the worker
/// re-sends requests that had already succeeded.
public actor HttpSinkTask: SinkTask {
    /// Response bytes kept (the body only matters for error messages).
    static let maxResponseBytes = 1 << 20
    /// Characters of an error response body quoted in messages.
    static let quotedBodyLength = 500

    private var config: HttpSinkConfig?
    private var client: PlainHTTPClient?
    private var context: (any SinkTaskContext)?
    private let pause = PollPause()
    private let logger: Logger

    public init(logger: Logger = Logger(label: "brook.connect.http-sink")) {
        self.logger = logger
    }

    public func start(config: [String: String], context: any SinkTaskContext) async throws {
        let parsed = try HttpSinkConfig(config)
        self.config = parsed
        self.context = context
        client = PlainHTTPClient(host: parsed.url.host, port: parsed.url.port, timeout: parsed.requestTimeout,
                                 maxResponseBytes: Self.maxResponseBytes)
    }

    public func put(_ records: [ConnectRecord]) async throws {
        guard let config, let context, !records.isEmpty else { return }
        let batches = HttpSinkRequests(records, batchMaxSize: config.batchMaxSize, jsonArray: config.jsonArray)
        for (record, error) in batches.unrenderable { try await context.reportErrant(record, error: error) }
        for request in batches.requests { try await deliver(request, config: config, context: context) }
    }

    public func flush() async throws {}

    public func stop() async {
        pause.stop()
    }

    private func deliver(_ request: HttpSinkRequests.Request, config: HttpSinkConfig, context: any SinkTaskContext) async throws {
        guard let client else { return }
        var headers = config.headers
        if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
            headers.append(("Content-Type", "application/json"))
        }
        let message = PlainHTTPClient.Request(method: config.method, path: config.url.target, headers: headers, body: request.body)
        var delivery = HttpDelivery(maxRetries: config.maxRetries, backoff: config.retryBackoff)
        while true {
            let attempt: HttpDelivery.Attempt
            do {
                let response = try await client.send(message)
                attempt = .answered(status: response.status,
                                    body: String(String(decoding: response.body, as: UTF8.self).prefix(Self.quotedBodyLength)))
            } catch {
                attempt = .failed(reason: "\(error)")
            }
            switch delivery.next(after: attempt) {
            case .delivered:
                return
            case .rejected(let rejection):
                logger.warning("\(rejection); reporting \(request.records.count) record(s)", metadata: ["task": "\(context.taskID)"])
                for record in request.records { try await context.reportErrant(record, error: rejection) }
                return
            case .retry(let backoff):
                logger.info("HTTP sink request to \(config.url.host):\(config.url.port) failed; retrying",
                            metadata: ["task": "\(context.taskID)", "attempt": "\(delivery.retries)"])
                await pause.wait(backoff)
                if pause.isStopped { throw RetriableConnectError("HTTP sink stopped while retrying") }
            case .giveUp(let reason):
                throw RetriableConnectError("HTTP sink request to \(config.url.host):\(config.url.port)\(config.url.target) failed: \(reason)")
            }
        }
    }
}
