import BrookRecords

/// How many replicas must have a record before the broker acknowledges it (`acks`).
public enum Acks: Int16, Sendable {
    /// `acks=0`: no response; the record counts as sent once written to the socket.
    case none = 0
    /// `acks=1`: the leader has appended it.
    case leader = 1
    /// `acks=all` (-1): every in-sync replica has it.
    case all = -1
}

/// Producer settings. Property names in `apply(_:)` are the Java client's; the defaults favour
/// throughput the way librdkafka's do (1 MB batches, 5 ms linger).
public struct ProducerConfig: Sendable {
    /// Connection, retry and timeout settings shared with other clients.
    public var client: ClientConfig
    /// `acks`.
    public var acks: Acks = .all
    /// `enable.idempotence`: ask for a producer id and number batches so retries never duplicate.
    /// Needs acks=all; silently off otherwise, and off (logged once) when the broker lacks InitProducerId.
    public var enableIdempotence = true
    /// `linger.ms`: how long a partition's batch waits for more records before it is sent.
    public var linger: Duration = .milliseconds(5)
    /// `batch.size`: a batch is sent once its records reach this many bytes.
    public var batchSize = 1_000_000
    /// `buffer.memory`: bytes of unsent records held before `send` waits.
    public var bufferMemory = 32 * 1024 * 1024
    /// `max.block.ms`: how long `send` waits for buffer space or metadata.
    public var maxBlock: Duration = .seconds(60)
    /// `delivery.timeout.ms`: how long a record may take, retries included, before it fails.
    public var deliveryTimeout: Duration = .seconds(120)
    /// `max.in.flight.requests.per.connection`.
    public var maxInFlightRequestsPerConnection = 5
    /// `max.request.size`: the largest produce request (and so the largest record) sent.
    public var maxRequestSize = 1_048_576
    /// `compression.type`.
    public var compression: CompressionCodec = .none
    /// `compression.level`; nil for the codec's default.
    public var compressionLevel: Int32?
    /// `transactional.id`: enables transactions (`initTransactions`, `beginTransaction`, ...).
    /// Needs idempotence and acks=all.
    public var transactionalId: String?
    /// `transaction.timeout.ms`: how long the coordinator lets a transaction stay open before aborting it.
    public var transactionTimeout: Duration = .seconds(60)

    public init(client: ClientConfig = ClientConfig()) {
        self.client = client
    }

    /// Applies producer and shared properties; returns the keys neither understood.
    @discardableResult
    public mutating func apply(_ properties: [String: String]) throws -> [String: String] {
        var rest: [String: String] = [:]
        for (key, value) in try client.apply(properties) {
            switch key {
            case "acks", "request.required.acks":
                switch value.trimmingWhitespace().lowercased() {
                case "0": acks = .none
                case "1": acks = .leader
                case "all", "-1": acks = .all
                default: throw KafkaClientError.invalidConfiguration("acks=\(value) must be 0, 1 or all")
                }
            case "enable.idempotence":
                enableIdempotence = try ClientConfig.bool(key, value)
            case "linger.ms", "queue.buffering.max.ms":
                linger = try ClientConfig.millis(key, value)
            case "batch.size":
                batchSize = try ClientConfig.integer(key, value, in: 1...Int(Int32.max))
            case "buffer.memory":
                bufferMemory = try ClientConfig.integer(key, value, in: 1024...Int.max)
            case "max.block.ms":
                maxBlock = try ClientConfig.millis(key, value)
            case "delivery.timeout.ms", "message.timeout.ms":
                deliveryTimeout = try ClientConfig.millis(key, value)
            case "max.in.flight.requests.per.connection", "max.in.flight":
                maxInFlightRequestsPerConnection = try ClientConfig.integer(key, value, in: 1...1000)
            case "max.request.size", "message.max.bytes":
                maxRequestSize = try ClientConfig.integer(key, value, in: 1024...Int(Int32.max))
            case "compression.type", "compression.codec":
                guard let codec = CompressionCodec(name: value) else {
                    throw KafkaClientError.invalidConfiguration("\(key)=\(value) must be none, gzip, snappy, lz4 or zstd")
                }
                compression = codec
            case "transactional.id":
                transactionalId = value.isEmpty ? nil : value
            case "transaction.timeout.ms":
                transactionTimeout = try ClientConfig.millis(key, value)
            case "compression.level":
                compressionLevel = Int32(try ClientConfig.integer(key, value, in: -131072...22))
            default:
                rest[key] = value
            }
        }
        return rest
    }
}

extension CompressionCodec {
    /// Parses a `compression.type` value: none, gzip, snappy, lz4, zstd.
    public init?(name: String) {
        switch name.trimmingWhitespace().lowercased() {
        case "none", "": self = .none
        case "gzip": self = .gzip
        case "snappy": self = .snappy
        case "lz4": self = .lz4
        case "zstd": self = .zstd
        default: return nil
        }
    }

    /// The `compression.type` spelling.
    public var name: String {
        switch self {
        case .none: return "none"
        case .gzip: return "gzip"
        case .snappy: return "snappy"
        case .lz4: return "lz4"
        case .zstd: return "zstd"
        }
    }
}
