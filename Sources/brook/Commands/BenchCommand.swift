import ArgumentParser
import BrookClient
import BrookRecords
import Foundation
import NIOCore

/// `brook bench produce|consume`: load generators with a live progress line on stderr.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure produce and consume throughput and latency.",
        subcommands: [Produce.self, Consume.self])

    struct Produce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Produce fixed-size records as fast as allowed and report msgs/s, MB/s and latency percentiles.",
            discussion: """
                Throughput counts from the first record to the last acknowledgement; latency is from enqueue \
                to acknowledgement. MB means 10^6 bytes of record values.
                """)
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Topic to produce to (created by the broker if auto-creation is on).") var topic: String
        @Option(name: [.customShort("n"), .long], help: "Records to send.") var count: Int = 1_000_000
        @Option(name: [.short, .long], help: "Value size in bytes.") var size: Int = 100
        @Option(name: .long, help: "Target rate in records per second (0: as fast as possible).") var rate: Int = 0
        @Option(name: .long, help: "Use this many distinct keys (0: no keys, sticky partitioning).") var keys: Int = 0
        @Option(name: [.short, .long], help: "Produce to this partition only (as librdkafka's loadgen does with 0).") var partition: Int32?
        @Option(name: [.customShort("z"), .long], help: "Compression: none, gzip, snappy, lz4, zstd.") var compression: String?
        @Option(name: .long, help: "Acknowledgements: 0, 1 or all.") var acks: String?

        func validate() throws {
            if count <= 0 { throw ValidationError("--count must be positive") }
            if size < 0 { throw ValidationError("--size must not be negative") }
        }

        func run() async throws {
            try await runClientCommand {
                var config = try client.producerConfig()
                if let compression {
                    guard let codec = CompressionCodec(name: compression) else { throw CLIError.usage("unknown compression '\(compression)'") }
                    config.compression = codec
                }
                if let acks { try config.apply(["acks": acks]) }
                let producer = try KafkaProducer(config: config)
                let progress = Progress(label: "produce")
                let size = self.size
                let clock = ContinuousClock()
                let total = self.count
                let stats = Task { () -> (delivered: Int, failed: Int, histogram: LatencyHistogram, firstError: String?, last: ContinuousClock.Instant) in
                    var delivered = 0
                    var failed = 0
                    var histogram = LatencyHistogram()
                    var window = LatencyHistogram()
                    var unreported = 0
                    var firstError: String?
                    var last = clock.now
                    for await reports in producer.deliveryReportBatches {
                        for report in reports {
                            switch report.result {
                            case .success:
                                delivered += 1
                                histogram.record(nanoseconds: report.latencyNanoseconds)
                                window.record(nanoseconds: report.latencyNanoseconds)
                                unreported += 1
                            case .failure(let error):
                                failed += 1
                                if firstError == nil { firstError = "\(error)" }
                            }
                        }
                        // Hand the live line its numbers in chunks, not a lock per record.
                        if unreported >= 4096 {
                            progress.add(records: unreported, bytes: unreported * size, window: window)
                            unreported = 0
                            window = LatencyHistogram()
                        }
                        if delivered + failed == total { last = clock.now }
                    }
                    progress.add(records: unreported, bytes: unreported * size, window: window)
                    return (delivered, failed, histogram, firstError, last)
                }
                // Plain locals: reading option wrappers in the loop would cost more than producing.
                let (count, rate, keys, topic, partition) = (self.count, self.rate, self.keys, self.topic, self.partition)
                let payload = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)
                let keyBuffers = (0..<keys).map { ByteBuffer(string: "key-\($0)") }
                let started = clock.now
                progress.start()
                for index in 0..<count {
                    if rate > 0, index % max(1, rate / 1000) == 0 {
                        let due = started + .nanoseconds(Int64(Double(index) / Double(rate) * 1e9))
                        if due > clock.now { try await Task.sleep(until: due, clock: clock) }
                    }
                    let key = keys > 0 ? keyBuffers[index % keys] : nil
                    let record = ProducerRecord(topic: topic, partition: partition, key: key, value: payload)
                    if try !producer.tryEnqueue(record) { try await producer.enqueue(record) }
                }
                await producer.close(timeout: .seconds(120))
                progress.stop()
                let result = await stats.value
                // First enqueue to last acknowledgement, as librdkafka's loadgen measures.
                let elapsed = result.last - started
                let seconds = max(elapsed.secondsValue, 1e-9)
                let summary: [String: Any] = [
                    "records": count, "delivered": result.delivered, "failed": result.failed, "value_size": size,
                    "seconds": (seconds * 1000).rounded() / 1000,
                    "records_per_second": (Double(result.delivered) / seconds).rounded(),
                    "mb_per_second": (Double(result.delivered * size) / seconds / 1e6 * 100).rounded() / 100,
                    "latency_ms": [
                        "p50": Double(result.histogram.percentile(50)) / 1000, "p95": Double(result.histogram.percentile(95)) / 1000,
                        "p99": Double(result.histogram.percentile(99)) / 1000, "max": Double(result.histogram.maxMicros) / 1000,
                    ],
                    "compression": config.compression.name, "acks": String(config.acks == .all ? "all" : String(config.acks.rawValue)),
                ]
                if output.json {
                    try JSONOutput.print(summary)
                } else {
                    print(String(format: "%d records (%d bytes each) in %.2f s: %.0f records/s, %.2f MB/s", result.delivered, size, seconds,
                                 Double(result.delivered) / seconds, Double(result.delivered * size) / seconds / 1e6))
                    print("latency p50 \(formatMicros(result.histogram.percentile(50)))  p95 \(formatMicros(result.histogram.percentile(95)))  p99 \(formatMicros(result.histogram.percentile(99)))  max \(formatMicros(result.histogram.maxMicros))")
                    if result.failed > 0 { print("\(result.failed) records failed") }
                }
                if result.failed > 0 { throw CLIError.failed(result.firstError ?? "\(result.failed) records failed") }
            }
        }
    }

    struct Consume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read records from the start of a topic and report msgs/s and MB/s.",
            discussion: "Stops after --count records, or at the end of every partition. MB means 10^6 bytes of keys and values.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Topic to read.") var topic: String
        @Option(name: [.customShort("n"), .long], help: "Stop after this many records (default: at the end of the topic).") var count: Int?

        func run() async throws {
            try await runClientCommand {
                var config = try client.consumerConfig()
                config.enableAutoCommit = false
                config.autoOffsetReset = .earliest
                let consumer = try KafkaConsumer(config: config)
                let admin = KafkaAdmin(config: try client.sideAdminConfig())
                let described = try await admin.describeTopics([topic])
                await admin.close()
                guard case .success(let description)? = described[topic] else { throw CLIError.notFound("no such topic: \(topic)") }
                let partitions = description.partitions.map { TopicPartition(topic, $0.id) }
                try await consumer.assign(partitions)
                try await consumer.seek(partitions, to: .earliest)
                let progress = Progress(label: "consume")
                let clock = ContinuousClock()
                let started = clock.now
                progress.start()
                var records = 0
                var bytes = 0
                let limit = count ?? Int.max
                while records < limit {
                    let batch = try await consumer.poll(timeout: .seconds(1))
                    var batchBytes = 0
                    for record in batch.prefix(limit - records) {
                        batchBytes += (record.key?.readableBytes ?? 0) + (record.value?.readableBytes ?? 0)
                    }
                    let taken = min(batch.count, limit - records)
                    records += taken
                    bytes += batchBytes
                    progress.add(records: taken, bytes: batchBytes, window: nil)
                    if count == nil, await consumer.reachedEndOfAllPartitions { break }
                }
                let seconds = max((clock.now - started).secondsValue, 1e-9)
                progress.stop()
                await consumer.close()
                if output.json {
                    try JSONOutput.print([
                        "records": records, "bytes": bytes, "seconds": (seconds * 1000).rounded() / 1000,
                        "records_per_second": (Double(records) / seconds).rounded(),
                        "mb_per_second": (Double(bytes) / seconds / 1e6 * 100).rounded() / 100,
                    ])
                } else {
                    print(String(format: "%d records (%d bytes) in %.2f s: %.0f records/s, %.2f MB/s", records, bytes, seconds,
                                 Double(records) / seconds, Double(bytes) / seconds / 1e6))
                }
            }
        }
    }
}

/// The live progress line: once a second, records and MB per second over the last second, the
/// running total and (for produce) the latency percentiles of that second, on stderr.
final class Progress: @unchecked Sendable {
    private let label: String
    private let lock = NSLock()
    private var records = 0
    private var bytes = 0
    private var total = 0
    private var window = LatencyHistogram()
    private var timer: DispatchSourceTimer?
    private let interactive = isatty(STDERR_FILENO) != 0

    init(label: String) {
        self.label = label
    }

    func add(records count: Int, bytes size: Int, window latencies: LatencyHistogram?) {
        lock.lock()
        records += count
        bytes += size
        total += count
        if let latencies { window.merge(latencies) }
        lock.unlock()
    }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in self?.tick() }
        timer.resume()
        self.timer = timer
    }

    func stop() {
        timer?.cancel()
        timer = nil
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func tick() {
        lock.lock()
        let (count, size, sum, histogram) = (records, bytes, total, window)
        records = 0
        bytes = 0
        window = LatencyHistogram()
        lock.unlock()
        var line = String(format: "%@: %10d records  %9.0f records/s  %8.2f MB/s", label, sum, Double(count), Double(size) / 1e6)
        if histogram.count > 0 {
            line += "  p50 \(formatMicros(histogram.percentile(50)))  p99 \(formatMicros(histogram.percentile(99)))"
        }
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
    }
}

extension Duration {
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var nanosecondsValue: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
