import Foundation

/// A configuration problem that stops the broker from starting.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension BrokerConfig {
    /// Parses Java-style properties text: `key=value` or `key: value`, `#`/`!` comments, `\` line continuation.
    public static func parseProperties(_ text: String) -> [(key: String, value: String)] {
        var result: [(String, String)] = []
        var pending = ""
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = pending + String(rawLine).trimmingCharacters(in: .whitespaces)
            pending = ""
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending = line
                continue
            }
            guard let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                result.append((line, ""))
                continue
            }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            result.append((key, value))
        }
        return result
    }

    /// Applies Kafka property names to this config. Returns warnings for unknown keys (not fatal);
    /// throws for known keys with bad values.
    @discardableResult
    public mutating func apply(_ properties: [(key: String, value: String)]) throws -> [String] {
        var warnings: [String] = []
        for (key, value) in properties {
            if try !applyOne(key: key, value: value) {
                warnings.append("unknown configuration '\(key)' ignored")
            }
        }
        return warnings
    }

    private mutating func applyOne(key: String, value: String) throws -> Bool {
        switch key {
        case "broker.id", "node.id": nodeId = try Self.int32(key, value, min: 0)
        case "listeners": (listenHost, listenPort) = try Self.listener(key, value)
        case "advertised.listeners":
            let (h, p) = try Self.listener(key, value)
            advertisedHost = h
            advertisedPort = p
        case "log.dirs", "log.dir":
            guard let first = value.split(separator: ",").first, !first.isEmpty else {
                throw ConfigError("\(key) must name a directory")
            }
            dataDir = String(first).trimmingCharacters(in: .whitespaces)
        case "auto.create.topics.enable": autoCreateTopics = try Self.bool(key, value)
        case "num.partitions": numPartitions = try Self.int32(key, value, min: 1)
        case "default.replication.factor": defaultReplicationFactor = Int16(try Self.int32(key, value, min: 1, max: Int32(Int16.max)))
        case "message.max.bytes": messageMaxBytes = Int(try Self.int32(key, value, min: 0))
        case "socket.request.max.bytes": socketRequestMaxBytes = Int(try Self.int32(key, value, min: 1))
        case "queued.max.requests": queuedMaxRequests = Int(try Self.int32(key, value, min: 1))
        case "queued.max.request.bytes": queuedMaxRequestBytes = Int(try Self.int64(key, value, min: -1))
        case "socket.request.read.timeout.ms": socketRequestReadTimeoutMs = try Self.timeout(key, value)
        case "connections.max.idle.ms": connectionsMaxIdleMs = try Self.timeout(key, value)
        case "log.segment.bytes": segmentBytes = Int(try Self.int32(key, value, min: 14))
        case "log.roll.ms": segmentMs = try Self.int64(key, value, min: 1)
        case "log.roll.hours": segmentMs = try Self.int64(key, value, min: 1) * 3_600_000
        case "log.index.interval.bytes": indexIntervalBytes = Int(try Self.int32(key, value, min: 0))
        case "log.index.size.max.bytes": segmentIndexBytes = Int(try Self.int32(key, value, min: 4))
        case "log.flush.interval.messages": flushMessages = try Self.int64(key, value, min: 1)
        case "log.flush.interval.ms": flushMs = try Self.int64(key, value, min: 0)
        case "log.flush.scheduler.interval.ms": flushSchedulerIntervalMs = try Self.int64(key, value, min: 0)
        case "log.flush.offset.checkpoint.interval.ms":
            logFlushOffsetCheckpointIntervalMs = Int64(try Self.int32(key, value, min: 0))
        case "log.retention.ms": retentionMs = try Self.int64(key, value, min: -1)
        case "log.retention.minutes": retentionMs = try Self.int64(key, value, min: -1) * 60_000
        case "log.retention.hours": retentionMs = try Self.int64(key, value, min: -1) * 3_600_000
        case "log.retention.bytes": retentionBytes = try Self.int64(key, value, min: -1)
        case "log.cleaner.enable": cleanerEnable = try Self.bool(key, value)
        case "log.cleaner.backoff.ms": cleanerBackoffMs = try Self.int64(key, value, min: 0)
        case "log.cleaner.dedupe.buffer.size": cleanerDedupeBufferSize = try Self.int64(key, value, min: 24 * 16)
        case "log.retention.check.interval.ms": retentionCheckIntervalMs = try Self.int64(key, value, min: 1)
        case "producer.id.expiration.ms": producerIdExpirationMs = try Self.int64(key, value, min: 1)
        case "producer.id.expiration.check.interval.ms": producerIdExpirationCheckIntervalMs = try Self.int64(key, value, min: 1)
        case "transactional.id.expiration.ms": transactionalIdExpirationMs = try Self.int64(key, value, min: 1)
        case "transaction.max.timeout.ms": transactionMaxTimeoutMs = try Self.int64(key, value, min: 1)
        case "transaction.state.log.num.partitions": transactionStateLogNumPartitions = try Self.int32(key, value, min: 1)
        case "offsets.topic.replication.factor":
            offsetsTopicReplicationFactor = Int16(try Self.int32(key, value, min: 1, max: Int32(Int16.max)))
        case "transaction.state.log.replication.factor":
            transactionStateLogReplicationFactor = Int16(try Self.int32(key, value, min: 1, max: Int32(Int16.max)))
        case "log.message.timestamp.type":
            guard value == "CreateTime" || value == "LogAppendTime" else {
                throw ConfigError("\(key) must be CreateTime or LogAppendTime, not '\(value)'")
            }
            messageTimestampType = value
        case "num.io.threads", "num.network.threads": eventLoopThreads = Int(try Self.int32(key, value, min: 1))
        case "replica.fetch.max.bytes": replicaFetch.maxBytesPerPartition = try Self.int32(key, value, min: 0)
        case "replica.fetch.response.max.bytes": replicaFetch.responseMaxBytes = try Self.int32(key, value, min: 0)
        case "replica.fetch.wait.max.ms": replicaFetch.maxWaitMs = try Self.int32(key, value, min: 0)
        case "replica.fetch.min.bytes": replicaFetch.minBytes = try Self.int32(key, value, min: 1)
        case "replica.fetch.backoff.ms": replicaFetch.backoffMs = Int64(try Self.int32(key, value, min: 0))
        case "replica.socket.timeout.ms": replicaFetch.requestTimeoutMs = Int64(try Self.int32(key, value, min: 1))
        case "broker.rack": rack = value.isEmpty ? nil : value
        case "replica.selector.class":
            guard let selector = value.isEmpty ? .leader : ReplicaSelectorClass(rawValue: value) else {
                throw ConfigError("\(key) must be \(ReplicaSelectorClass.leader.rawValue) or \(ReplicaSelectorClass.rackAware.rawValue), not '\(value)'")
            }
            replicaSelector = selector
        case "broker.session.timeout.ms": brokerSessionTimeoutMs = try Self.int64(key, value, min: 1)
        case "replica.lag.time.max.ms": replicaLagTimeMaxMs = try Self.int64(key, value, min: 1)
        case "auto.leader.rebalance.enable": autoLeaderRebalanceEnable = try Self.bool(key, value)
        case "broker.connection.failure.detection.enable": connectionFailureDetectionEnable = try Self.bool(key, value)
        case "leader.imbalance.check.interval.seconds": leaderImbalanceCheckIntervalSeconds = try Self.int64(key, value, min: 1)
        case "leader.imbalance.per.broker.percentage":
            leaderImbalancePerBrokerPercentage = try Self.int32(key, value, min: 0, max: 100)
        default:
            if try groupCoordinator.apply(key: key, value: value) { return true }
            if let definition = TopicConfigCatalog.definitions.first(where: { $0.brokerSynonym == key }) {
                if let problem = definition.problem(with: value) { throw ConfigError(problem) }
                topicDefaults[key] = value
                return true
            }
            return Self.acceptedButUnused.contains(key)
        }
        return true
    }

    /// Kafka settings that are valid but have no effect on a single Brook node; accepted silently.
    static let acceptedButUnused: Set<String> = [
        "transaction.state.log.min.isr",
        "zookeeper.connect", "zookeeper.connection.timeout.ms", "num.recovery.threads.per.data.dir",
        "socket.send.buffer.bytes", "socket.receive.buffer.bytes", "process.roles", "controller.quorum.voters",
        "controller.listener.names", "inter.broker.listener.name", "listener.security.protocol.map",
    ]

    static func listener(_ key: String, _ value: String) throws -> (String, Int) {
        // Accepts "PLAINTEXT://host:port", "host:port", "[::1]:port"; the first listener wins.
        var v = value.split(separator: ",").first.map(String.init) ?? ""
        if let r = v.range(of: "://") { v = String(v[r.upperBound...]) }
        guard let (host, port) = parseHostPort(v) else {
            throw ConfigError("\(key) must look like HOST:PORT, not '\(value)'")
        }
        return (host, port)
    }

    /// Parses "host:port", "[v6]:port" or ":port" (host defaults to 0.0.0.0 as Kafka's empty host).
    public static func parseHostPort(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return (host, port)
    }

    /// A duration in milliseconds, or -1 (or any negative value, as Kafka reads it) for none.
    static func timeout(_ key: String, _ value: String) throws -> Int64 {
        guard let v = Int64(value) else {
            throw ConfigError("\(key) must be a number of milliseconds (-1 for none), not '\(value)'")
        }
        return v < 0 ? -1 : v
    }

    static func bool(_ key: String, _ value: String) throws -> Bool {
        switch value.lowercased() {
        case "true": return true
        case "false": return false
        default: throw ConfigError("\(key) must be true or false, not '\(value)'")
        }
    }

    static func int64(_ key: String, _ value: String, min: Int64) throws -> Int64 {
        guard let v = Int64(value), v >= min else {
            throw ConfigError("\(key) must be an integer ≥ \(min), not '\(value)'")
        }
        return v
    }

    static func int32(_ key: String, _ value: String, min: Int32, max: Int32 = Int32.max) throws -> Int32 {
        guard let v = Int32(value), v >= min, v <= max else {
            throw ConfigError("\(key) must be an integer in \(min)...\(max), not '\(value)'")
        }
        return v
    }
}
