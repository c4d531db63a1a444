/// The FileStream connectors' config facts and failures (Kafka's FileStreamSourceConnector and
/// FileStreamSinkConnector).
enum FileStreamConfig {
    /// Kafka reads standard input without `file`; a Brook server's standard input is not a user's.
    static let stdinMessage = "\"file\" is required for Brook: reading standard input is not supported in a server"
    static let stdinUnsupported = Failure(stdinMessage)

    /// The plugin's cross-key check (FileStreamSource): `file` must name a file.
    static func checkSource(_ config: [String: String]) -> [String: [String]] {
        (config["file"] ?? "").isEmpty ? ["file": [stdinMessage]] : [:]
    }

    /// A FileStream task failure (Kafka's `ConnectException` with its message).
    struct Failure: Error, Sendable, CustomStringConvertible {
        var description: String

        init(_ description: String) {
            self.description = description
        }
    }
}
