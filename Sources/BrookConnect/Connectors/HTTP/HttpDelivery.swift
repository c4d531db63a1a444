/// The retry decision for one HTTP sink request (sans-IO): a 2xx answer delivers it; a 4xx answer
/// rejects it (its records go to the errant-record reporter, where `errors.tolerance` and the DLQ
/// decide); a 5xx answer or a failed exchange is tried again after `retry.backoff.ms`, up to
/// `max.retries` times, then fails retriably so the worker hands the batch again later.
struct HttpDelivery: Sendable {
    enum Attempt: Sendable {
        case answered(status: Int, body: String)
        case failed(reason: String)
    }

    enum Action: Sendable, Equatable {
        case delivered
        case rejected(HttpSinkRejection)
        case retry(after: Duration)
        case giveUp(reason: String)
    }

    let maxRetries: Int
    let backoff: Duration
    private(set) var retries = 0

    init(maxRetries: Int, backoff: Duration) {
        self.maxRetries = maxRetries
        self.backoff = backoff
    }

    mutating func next(after attempt: Attempt) -> Action {
        let reason: String
        switch attempt {
        case let .answered(status, body):
            if (200..<300).contains(status) { return .delivered }
            if (400..<500).contains(status) { return .rejected(HttpSinkRejection(status: status, body: body)) }
            reason = "HTTP \(status)" + (body.isEmpty ? "" : ": \(body)")
        case let .failed(failure):
            reason = failure
        }
        guard retries < maxRetries else {
            return .giveUp(reason: "\(reason) (after \(retries + 1) attempt\(retries == 0 ? "" : "s"))")
        }
        retries += 1
        return .retry(after: backoff)
    }
}

/// A request the server refused with a 4xx answer: the error each of its records is reported with.
public struct HttpSinkRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    /// The start of the response body (what the server said was wrong).
    public var body: String

    public var description: String { "HTTP sink request rejected with HTTP \(status)" + (body.isEmpty ? "" : ": \(body)") }
}
