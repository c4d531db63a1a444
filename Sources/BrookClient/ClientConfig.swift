import Logging
import NIOCore

/// Settings every BrookClient component shares: where to bootstrap, how long to wait, how to retry.
/// Property names in `apply(_:)` are the Java client's.
public struct ClientConfig: Sendable {
    /// `bootstrap.servers`: brokers tried in order until one answers.
    public var bootstrapServers: [BrokerAddress] = [BrokerAddress(host: "localhost", port: 9092)]
    /// `client.id`, sent in every request header.
    public var clientId: String = "brook"
    /// `request.timeout.ms`: how long one request may go unanswered before its connection is dropped.
    public var requestTimeout: Duration = .seconds(30)
    /// `socket.connection.setup.timeout.ms`: TCP connect timeout.
    public var connectTimeout: Duration = .seconds(10)
    /// `retry.backoff.ms`: first pause before a retry; doubles per attempt.
    public var retryBackoff: Duration = .milliseconds(100)
    /// `retry.backoff.max.ms`: the longest pause between retries.
    public var retryBackoffMax: Duration = .seconds(1)
    /// `default.api.timeout.ms`: how long an operation keeps retrying before it fails.
    public var defaultApiTimeout: Duration = .seconds(60)
    /// `metadata.max.age.ms`: metadata older than this is refreshed before use.
    public var metadataMaxAge: Duration = .seconds(300)
    /// `receive.message.max.bytes`: the largest response frame accepted.
    public var maxResponseSize: Int = 100 * 1024 * 1024 + 512
    /// Where the client logs; a no-op logger by default. Entries carry `brook.client.id` and `brook.broker`.
    public var logger: Logger = Logger(label: "brook.client", factory: { _ in SwiftLogNoOpLogHandler() })

    public init(bootstrapServers: [BrokerAddress]? = nil, clientId: String = "brook") {
        if let bootstrapServers { self.bootstrapServers = bootstrapServers }
        self.clientId = clientId
    }

    /// Applies the shared properties it knows and returns the keys it did not consume.
    @discardableResult
    public mutating func apply(_ properties: [String: String]) throws -> [String: String] {
        var rest: [String: String] = [:]
        for (key, value) in properties {
            switch key {
            case "bootstrap.servers", "metadata.broker.list":
                guard let list = BrokerAddress.parseList(value) else {
                    throw KafkaClientError.invalidConfiguration("\(key)=\(value) is not a list of host:port")
                }
                bootstrapServers = list
            case "client.id":
                clientId = value
            case "request.timeout.ms", "socket.timeout.ms":
                requestTimeout = try Self.millis(key, value)
            case "socket.connection.setup.timeout.ms":
                connectTimeout = try Self.millis(key, value)
            case "retry.backoff.ms":
                retryBackoff = try Self.millis(key, value)
            case "retry.backoff.max.ms":
                retryBackoffMax = try Self.millis(key, value)
            case "default.api.timeout.ms":
                defaultApiTimeout = try Self.millis(key, value)
            case "metadata.max.age.ms":
                metadataMaxAge = try Self.millis(key, value)
            case "receive.message.max.bytes":
                maxResponseSize = try Self.integer(key, value, in: 1024...Int(Int32.max))
            default:
                rest[key] = value
            }
        }
        return rest
    }

    static func millis(_ key: String, _ value: String) throws -> Duration {
        .milliseconds(try integer(key, value, in: 0...Int(Int32.max)))
    }

    static func integer(_ key: String, _ value: String, in range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value.trimmingWhitespace()), range.contains(number) else {
            throw KafkaClientError.invalidConfiguration("\(key)=\(value) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    static func bool(_ key: String, _ value: String) throws -> Bool {
        switch value.trimmingWhitespace().lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw KafkaClientError.invalidConfiguration("\(key)=\(value) must be true or false")
        }
    }
}

extension Duration {
    /// The duration as NIO's `TimeAmount`.
    var timeAmount: TimeAmount { .nanoseconds(nanoseconds) }

    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }

    /// Whole milliseconds (saturating to Int32 as Kafka's *_ms fields are).
    var millisInt32: Int32 {
        let millis = nanoseconds / 1_000_000
        return Int32(clamping: millis)
    }
}
