/// The HTTP source's settings (`"connector.class": "HttpSource"`), read from the connector config.
struct HttpSourceConfig: Sendable {
    /// `http.url` as configured: the source partition names it.
    var urlText: String
    var url: HTTPTargetURL
    var topic: String
    var pollInterval: Duration
    /// The dotted path to the records array in a response; empty: the whole body.
    var recordsPath: [String]
    var cursorField: String?
    var cursorParam: String
    var keyField: String?
    var requestTimeout: Duration

    init(_ config: [String: String]) throws(ConnectConfigError) {
        let reader = ConnectConfigReader(config)
        urlText = try reader.requiredString("http.url")
        do {
            url = try HTTPTargetURL(urlText)
        } catch {
            throw reader.invalid("http.url", urlText, error.message)
        }
        topic = try reader.requiredString("topic").trimmingASCIISpaces
        guard !topic.isEmpty else { throw reader.invalid("topic", "", "String must be non-empty") }
        pollInterval = .milliseconds(try reader.long("http.poll.interval.ms", default: 10000, minimum: 0))
        recordsPath = Self.path(config["http.response.records.path"] ?? "")
        cursorField = Self.nonEmpty(config["cursor.field"])
        cursorParam = Self.nonEmpty(config["cursor.param"]) ?? "since"
        keyField = Self.nonEmpty(config["key.field"])
        requestTimeout = .milliseconds(try reader.long("request.timeout.ms", default: 30000, minimum: 1))
    }

    /// The plugin's own checks, beyond each key's type: the URL.
    static func problems(_ config: [String: String]) -> [String: [String]] {
        guard let url = config["http.url"], let problem = HTTPTargetURL.problem(url) else { return [:] }
        return ["http.url": ["Invalid value \(url) for configuration http.url: \(problem)"]]
    }

    static func path(_ text: String) -> [String] {
        text.trimmingASCIISpaces.split(separator: ".", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingASCIISpaces, !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
