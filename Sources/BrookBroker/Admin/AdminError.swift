import BrookProtocol

/// An admin request's failure for one resource: Kafka's error code and message.
struct AdminError: Error, Sendable {
    let code: ErrorCode
    let message: String?

    init(_ code: ErrorCode, _ message: String? = nil) {
        self.code = code
        self.message = message
    }
}
