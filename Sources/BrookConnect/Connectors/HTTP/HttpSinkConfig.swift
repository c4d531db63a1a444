/// The HTTP sink's settings (`"connector.class": "HttpSink"`), read from the connector config.
struct HttpSinkConfig: Sendable {
    var url: HTTPTargetURL
    var method: String
    var headers: [(name: String, value: String)]
    var batchMaxSize: Int
    /// true: one request per batch with a JSON array of the values; false: one request per record.
    var jsonArray: Bool
    var retryBackoff: Duration
    var maxRetries: Int
    var requestTimeout: Duration

    static let methods = ["POST", "PUT"]

    init(_ config: [String: String]) throws(ConnectConfigError) {
        let reader = ConnectConfigReader(config)
        let urlText = try reader.requiredString("http.url")
        do {
            url = try HTTPTargetURL(urlText)
        } catch {
            throw reader.invalid("http.url", urlText, error.message)
        }
        method = try reader.choice("http.method", default: "POST", allowed: Self.methods)
        let headerText = config["http.headers"] ?? ""
        guard let headers = Self.headers(headerText) else {
            throw reader.invalid("http.headers", headerText, Self.headersReason)
        }
        self.headers = headers
        batchMaxSize = Int(try reader.int("batch.max.size", default: 100))
        guard batchMaxSize >= 1 else { throw reader.invalid("batch.max.size", String(batchMaxSize), "Value must be at least 1") }
        jsonArray = try reader.bool("batch.json.as.array", default: true)
        retryBackoff = .milliseconds(try reader.long("retry.backoff.ms", default: 3000, minimum: 0))
        maxRetries = Int(try reader.int("max.retries", default: 10))
        guard maxRetries >= 0 else { throw reader.invalid("max.retries", String(maxRetries), "Value must be at least 0") }
        requestTimeout = .milliseconds(try reader.long("request.timeout.ms", default: 30000, minimum: 1))
    }

    /// The plugin's own checks, beyond each key's type: the URL and the header list.
    static func problems(_ config: [String: String]) -> [String: [String]] {
        var out: [String: [String]] = [:]
        if let url = config["http.url"], let problem = HTTPTargetURL.problem(url) {
            out["http.url"] = ["Invalid value \(url) for configuration http.url: \(problem)"]
        }
        if let text = config["http.headers"], headers(text) == nil {
            out["http.headers"] = ["Invalid value \(text) for configuration http.headers: \(headersReason)"]
        }
        return out
    }

    static let headersReason = "expected Name:Value pairs separated by |"

    /// `Name:Value|Name2:Value2`; nil when a pair has no colon or an empty name.
    static func headers(_ text: String) -> [(name: String, value: String)]? {
        var out: [(name: String, value: String)] = []
        for pair in text.split(separator: "|") where !pair.allSatisfy({ $0 == " " }) {
            guard let colon = pair.firstIndex(of: ":") else { return nil }
            let name = String(pair[..<colon]).trimmingASCIISpaces
            let value = String(pair[pair.index(after: colon)...]).trimmingASCIISpaces
            guard !name.isEmpty, !name.contains(where: { $0 == "\r" || $0 == "\n" }), !value.contains(where: { $0 == "\r" || $0 == "\n" }) else {
                return nil
            }
            out.append((name, value))
        }
        return out
    }
}
