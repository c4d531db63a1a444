import BrookSchemas

/// An error the Connect REST API answers with: Kafka Connect's `{"error_code": N, "message": "..."}`
/// body, where `error_code` is the HTTP status (ConnectExceptionMapper).
public struct ConnectRESTError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "\(status) \(message)" }

    var body: JSONValue { .object([("error_code", RESTJSON.int(status)), ("message", .string(message))]) }

    static func connectorNotFound(_ name: String) -> Self { .init(status: 404, message: "Connector \(name) not found") }
    static func badRequest(_ message: String) -> Self { .init(status: 400, message: message) }
}
