import NIOCore
import ServiceLifecycle

/// The broker as a long-lived service. Put it in the `ServiceGroup` before the listener
/// (`KafkaServer`): on graceful shutdown the group stops the listener first (no new connections,
/// parked requests answered, in-flight ones drained), and only then the broker, which stops its
/// repeated tasks, closes the coordinators and flushes and closes every log.
extension Broker: Service {
    /// Starts the repeated tasks (producer expiry, retention, cleaner, log checkpoints, time-based
    /// flush) and keeps them running until graceful shutdown; then shuts the broker down. On
    /// cancellation (another service of the group failed) the logs are closed too.
    public func run() async throws {
        startTimers()
        try? await gracefulShutdown()
        try await shutdown().get()
        logger.info("shut down cleanly")
    }

    /// Does nothing once shutdown has begun, or when the tasks already run.
    func startTimers() {
        let config = self.config
        let topics = self.topics
        let retention = self.retention
        let cleaner = self.cleaner
        let logCheckpoints = self.logCheckpoints
        let group = self.group
        timers.withLockedValue { timers in
            guard !timers.started, !stopping.isClosed else { return }
            timers.started = true
            let expiry = TimeAmount.milliseconds(config.producerIdExpirationCheckIntervalMs)
            timers.producerExpiry = group.next().scheduleRepeatedTask(initialDelay: expiry, delay: expiry) { _ in
                for partition in topics.allPartitions { partition.expireProducers(expirationMs: config.producerIdExpirationMs) }
            }
            timers.retention = retention.schedule(on: group.next(), intervalMs: config.retentionCheckIntervalMs)
            timers.cleaner = config.cleanerEnable ? cleaner.schedule(on: group.next()) : nil
            timers.logCheckpoints = logCheckpoints.schedule(on: group.next(), intervalMs: config.logFlushOffsetCheckpointIntervalMs)
            // Kafka checks the time-based flush policy on the scheduler interval; a configured
            // `log.flush.interval.ms` shorter than that would otherwise never be honoured on time.
            let flush = min(config.flushSchedulerIntervalMs, config.flushMs)
            if flush > 0, flush < Int64.max {
                timers.flush = group.next().scheduleRepeatedTask(initialDelay: .milliseconds(flush),
                                                                 delay: .milliseconds(flush)) { [weak self] _ in
                    self?.flushDuePartitions()
                }
            }
        }
    }
}

/// The broker's repeated tasks while it runs.
struct BrokerTimers: Sendable {
    var started = false
    var producerExpiry: RepeatedTask?
    var retention: RepeatedTask?
    /// Kept after cancellation: shutdown waits for a pass still running.
    var cleaner: CleanerSchedule?
    var logCheckpoints: RepeatedTask?
    var flush: RepeatedTask?

    /// Shutdown begins: no new retention or cleaner pass, no periodic flush; the log checkpoints
    /// and producer expiry go on while requests drain.
    mutating func cancelForDrain() {
        started = true
        flush?.cancel()
        retention?.cancel()
        cleaner?.cancel()
    }

    /// Cancels every task; returns the cleaner's schedule so its running pass can be awaited.
    mutating func cancelAll() -> CleanerSchedule? {
        cancelForDrain()
        producerExpiry?.cancel()
        logCheckpoints?.cancel()
        return cleaner
    }
}
