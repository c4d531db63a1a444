import BrookClient
@testable import BrookConnect
import BrookRegistryClient
import BrookSchemas
import BrookTestSupport
import Foundation
import Logging
import NIOCore
import XCTest

/// A real `brook serve` child process on a free loopback port with a temporary data directory,
/// for the worker loop tests; stopped by pid (TERM, then KILL) in tearDown.
final class WorkerBrokerFixture: @unchecked Sendable {
    let port: Int
    let dataDir: URL
    private let process = Process()

    var bootstrap: String { "127.0.0.1:\(port)" }
    var client: ClientConfig {
        var config = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: port)], clientId: "worker-tests")
        config.requestTimeout = .seconds(10)
        return config
    }

    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["BROOK_BIN"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/brook")
    }

    init() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("brook binary not built at \(Self.binary.path); run `swift build -j 1 --product brook` first")
        }
        port = try Self.freePort()
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("brook-worker-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        process.executableURL = Self.binary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data-dir", dataDir.path, "--registry-listen", "none",
                             "--log-level", "error", "--set", "transaction.state.log.replication.factor=1",
                             "--set", "offsets.topic.replication.factor=1", "--set", "group.initial.rebalance.delay.ms=0"] + Self.connectOff
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// `--connect-listen none` once `brook serve` has the flag, so tests never fight over port 8083.
    private static let connectOff: [String] = {
        let help = Process()
        help.executableURL = binary
        help.arguments = ["serve", "--help"]
        let pipe = Pipe()
        help.standardOutput = pipe
        help.standardError = FileHandle.nullDevice
        guard (try? help.run()) != nil else { return [] }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        help.waitUntilExit()
        return text.contains("--connect-listen") ? ["--connect-listen", "none"] : []
    }()

    /// Waits until the broker answers Metadata (bounded).
    func waitUntilReady() async throws {
        let cluster = KafkaCluster(config: client)
        defer { Task { await cluster.close() } }
        try await within(30, "brook serve on \(bootstrap)") {
            while true {
                if let metadata = try? await cluster.refreshMetadata(topics: []), !metadata.brokers.isEmpty { return }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dataDir)
    }

    deinit { stop() }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard result == 0 else { throw CancellationError() }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    // MARK: Worker pieces

    /// A worker environment on this broker with its own `connect-offsets` topic reader.
    func environment(workerConfig: [String: String] = [:], offsetsTopic: String = "connect-offsets") -> WorkerTaskEnvironment {
        var client = self.client
        // WORKER_TEST_LOG=debug (or another level) prints the worker's and clients' logs.
        var logger = Logger(label: "worker-test") { _ in SwiftLogNoOpLogHandler() }
        if let level = ProcessInfo.processInfo.environment["WORKER_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) {
            logger = Logger(label: "worker-test", factory: { StreamLogHandler.standardError(label: $0) })
            logger.logLevel = level
        }
        client.logger = logger
        let cluster = KafkaCluster(config: client)
        let topic = ConnectInternalTopic(name: offsetsTopic, partitions: 5, replicationFactor: 1, cluster: cluster, client: client, logger: logger)
        var config = ["offset.flush.interval.ms": "200"]
        config.merge(workerConfig) { $1 }
        return WorkerTaskEnvironment(workerID: "127.0.0.1:8083", client: client, cluster: cluster, workerConfig: config,
                                     offsets: ConnectOffsetStore(topic: topic),
                                     registry: { url in throw ConnectConfigError(key: "schema.registry.url", message: "no registry at \(url) in tests") },
                                     logger: logger)
    }

    /// Every record of `topic` (all partitions, from the start) once there are at least `count`, bounded in time.
    func read(_ topic: String, atLeast count: Int, isolation: IsolationLevel = .readUncommitted, timeout: Double = 30) async throws -> [ConsumerRecord] {
        let client = self.client
        return try await within(timeout, "\(count) records in \(topic)") {
            let cluster = KafkaCluster(config: client)
            var config = ConsumerConfig(client: client)
            config.isolationLevel = isolation
            config.autoOffsetReset = .earliest
            config.enableAutoCommit = false
            config.fetchMaxWait = .milliseconds(100)
            let consumer = try KafkaConsumer(config: config, cluster: cluster)
            var partitions: [TopicPartition] = []
            while partitions.isEmpty {
                let metadata = try await cluster.refreshMetadata(topics: [topic])
                partitions = (metadata.topics[topic]?.partitions ?? []).map { TopicPartition(topic, $0.id) }
                if partitions.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            try await consumer.assign(partitions)
            var records: [ConsumerRecord] = []
            while records.count < count {
                records += try await consumer.poll(timeout: .milliseconds(200))
            }
            await consumer.close()
            await cluster.close()
            return records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        }
    }

    /// Everything in `topic` up to its current end (read_committed stops at the last stable offset).
    func readAll(_ topic: String, isolation: IsolationLevel) async throws -> [ConsumerRecord] {
        let client = self.client
        return try await within(30, "the end of \(topic)") {
            let cluster = KafkaCluster(config: client)
            var config = ConsumerConfig(client: client)
            config.isolationLevel = isolation
            config.autoOffsetReset = .earliest
            config.enableAutoCommit = false
            config.fetchMaxWait = .milliseconds(100)
            let consumer = try KafkaConsumer(config: config, cluster: cluster)
            let metadata = try await cluster.refreshMetadata(topics: [topic])
            let partitions = (metadata.topics[topic]?.partitions ?? []).map { TopicPartition(topic, $0.id) }
            try await consumer.assign(partitions)
            let ends = try await consumer.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, OffsetSpec.latest) }))
            var records: [ConsumerRecord] = []
            while true {
                var behind = false
                for partition in partitions where try await consumer.position(partition) < (ends[partition] ?? 0) { behind = true }
                if !behind { break }
                records += try await consumer.poll(timeout: .milliseconds(200))
            }
            await consumer.close()
            await cluster.close()
            return records.sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
        }
    }

    func produce(_ topic: String, _ values: [(key: String?, value: String?)], partitions: Int32 = 1) async throws {
        let cluster = KafkaCluster(config: client)
        _ = try await KafkaAdmin(cluster: cluster).createTopics([NewTopic(name: topic, partitions: partitions, replicationFactor: 1)])
        let producer = try KafkaProducer(config: ProducerConfig(client: client), cluster: cluster)
        for (key, value) in values {
            _ = try await producer.send(ProducerRecord(topic: topic, key: key, value: value))
        }
        await producer.close()
        await cluster.close()
    }
}

/// Statuses a WorkerTask reported, awaitable.
actor StatusLog {
    private(set) var entries: [(state: ConnectStatusState, trace: String?)] = []
    private var waiters: [Int: (state: ConnectStatusState, continuation: CheckedContinuation<String??, Never>)] = [:]
    private var nextWaiter = 0

    nonisolated var reporter: TaskStatusReporter {
        { _, state, trace in await self.add(state, trace) }
    }

    private func add(_ state: ConnectStatusState, _ trace: String?) {
        entries.append((state, trace))
        for (id, waiter) in waiters where waiter.state == state {
            waiters[id] = nil
            waiter.continuation.resume(returning: .some(trace))
        }
    }

    /// The trace of the first report of `state`, waiting for it (nil when cancelled first).
    func first(_ state: ConnectStatusState) async -> String?? {
        if let entry = entries.first(where: { $0.state == state }) { return .some(entry.trace) }
        let id = nextWaiter
        nextWaiter += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled { continuation.resume(returning: nil) } else { waiters[id] = (state, continuation) }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    private func cancel(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume(returning: nil)
    }

    /// Waits (bounded) for `state` and returns its trace.
    func waitFor(_ state: ConnectStatusState, seconds: Double = 30) async throws -> String? {
        let result = try await within(seconds, "status \(state)") { await self.first(state) }
        guard let trace = result else { throw TimedOut(what: "status \(state)") }
        return trace
    }
}

extension ConsumerRecord {
    var valueText: String? { value.map { String(buffer: $0) } }
    var keyText: String? { key.map { String(buffer: $0) } }
    func header(_ name: String) -> String? {
        headers.last { $0.key == name }?.value.map { String(buffer: $0) }
    }
}
