/// A Connect REST request as `ConnectAPI` sees it, independent of the HTTP server.
public struct ConnectHTTPRequest: Sendable {
    public var method: String
    /// The path, still percent-encoded.
    public var path: String
    public var query: String?
    public var body: [UInt8]

    public init(method: String, path: String, query: String? = nil, body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }
}

/// The answer: a status and a JSON body (empty for 202/204 without content).
public struct ConnectHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var body: String

    public static let contentType = "application/json"
}
