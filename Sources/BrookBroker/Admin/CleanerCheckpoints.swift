import BrookProtocol
import BrookStorage
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Where each compacted partition's dirty section starts, in memory and in `cleaner-offset-checkpoint`.
///
/// The file is keyed by topic name and partition like Kafka's; in memory each entry also carries the
/// id of the topic it was measured on, so a topic deleted and re-created under the same name never
/// inherits its predecessor's offset, even before the deletion's rewrite of the file lands.
final class CleanerCheckpoints: Sendable {
    private struct Entry: Sendable {
        var topicId: KafkaUUID
        var offset: Int64
    }

    private let checkpoint: CleanerCheckpoint
    /// The entries, and the ids of topics deleted since start-up: a pass that was already under way
    /// when its topic went must not put the topic back.
    private let state = NIOLockedValueBox<(entries: [TopicPartition: Entry], deleted: Set<KafkaUUID>)>(([:], []))
    /// Serialises writes: they share one temporary file, and taking the snapshot under this lock
    /// means the last write to finish carries the newest state.
    private let writeLock = NIOLock()
    private let logger: Logger

    init(directory: String, logger: Logger) {
        checkpoint = CleanerCheckpoint(directory: directory)
        self.logger = logger
    }

    /// Reads the file at start-up and assigns its entries to the topics that exist (`ids`: name → id,
    /// including topics whose logs open later). An unreadable file costs one full recleaning, not the
    /// broker: it is logged and ignored.
    func load(ids: [String: KafkaUUID]) {
        let stored: [TopicPartition: Int64]
        do {
            stored = try checkpoint.read()
        } catch {
            logger.warning("ignoring unreadable cleaner checkpoint; compacted partitions will be recleaned",
                           metadata: ["path": "\(checkpoint.file.path)", "error": "\(error)"])
            stored = [:]
        }
        var loaded: [TopicPartition: Entry] = [:]
        for (tp, offset) in stored {
            // Entries of topics deleted before the file was rewritten are dropped, as Kafka does.
            guard let id = ids[tp.topic] else { continue }
            loaded[tp] = Entry(topicId: id, offset: offset)
        }
        state.withLockedValue { $0.entries = loaded }
    }

    /// The checkpointed first dirty offset of a partition of the topic with this id; nil when never cleaned.
    func offset(for tp: TopicPartition, topicId: KafkaUUID) -> Int64? {
        state.withLockedValue { $0.entries[tp] }.flatMap { $0.topicId == topicId ? $0.offset : nil }
    }

    /// Records a new first dirty offset (written to the file by the next `write`); ignored once the
    /// topic is deleted.
    func record(_ offset: Int64, for tp: TopicPartition, topicId: KafkaUUID) {
        state.withLockedValue { state in
            guard !state.deleted.contains(topicId) else { return }
            state.entries[tp] = Entry(topicId: topicId, offset: offset)
        }
    }

    /// Drops a deleted topic's entries (written to the file by the next `write`).
    func forgetTopic(_ topic: Topic) {
        state.withLockedValue { state in
            state.deleted.insert(topic.id)
            state.entries = state.entries.filter { $0.key.topic != topic.name }
        }
    }

    /// Drops one partition's entry: its replica moved to other brokers and was deleted here (a
    /// replica assigned here again later starts from an empty log and is cleaned from its start).
    func forgetPartition(_ tp: TopicPartition) {
        state.withLockedValue { _ = $0.entries.removeValue(forKey: tp) }
    }

    /// Rewrites the file with the current entries. Blocking: call on the thread pool. A failure is
    /// logged, not thrown: the only cost of a stale file is some recleaning after a restart.
    func write() {
        do {
            try writeLock.withLock {
                let snapshot = state.withLockedValue { $0.entries.mapValues(\.offset) }
                try checkpoint.write(snapshot)
            }
        } catch {
            logger.warning("could not write the cleaner checkpoint",
                           metadata: ["path": "\(checkpoint.file.path)", "error": "\(error)"])
        }
    }

    /// `write` on the thread pool; completes when the file is written (or the pool has stopped).
    func writeInBackground(threadPool: NIOThreadPool, on loop: EventLoop) -> EventLoopFuture<Void> {
        threadPool.runIfActive(eventLoop: loop) { self.write() }.recover { _ in }
    }
}
