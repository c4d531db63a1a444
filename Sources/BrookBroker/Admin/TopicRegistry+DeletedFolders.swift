import BrookStorage
import NIOCore

/// Removal of deleted topics' partition folders (renamed to `…-delete`), which waits the broker's
/// `log.segment.delete.delay.ms` first, as Kafka's LogManager does with its logs to be deleted, so
/// that fetches already sending from those files and anyone inspecting the folder get that long.
extension TopicRegistry {
    /// Schedules the removal of `folders` after the broker-level delay (runtime changes included),
    /// counted from now; the unlinking runs on the thread pool.
    func removeAfterDelay(_ folders: [String]) {
        guard !folders.isEmpty else { return }
        let delayMs = resolver.int64("file.delete.delay.ms", [:]) ?? 60_000
        let loop = group.next()
        let pool = threadPool
        let logger = self.logger
        // Clamped so that a huge delay cannot overflow NIO's nanosecond deadline.
        let scheduled = loop.flatScheduleTask(in: .milliseconds(min(max(delayMs, 0), Int64(Int32.max)))) {
            pool.runIfActive(eventLoop: loop) {
                for folder in folders {
                    do { try DataDirectory.removeDeletedFolder(folder) } catch {
                        logger.warning("could not remove deleted partition",
                                       metadata: ["path": "\(folder)", "error": "\(error)"])
                    }
                }
            }
        }
        let id = folderRemovals.withLockedValue { state in
            defer { state.nextId += 1 }
            state.pending[state.nextId] = (folders, scheduled)
            return state.nextId
        }
        scheduled.futureResult.whenComplete { _ in
            self.folderRemovals.withLockedValue { _ = $0.pending.removeValue(forKey: id) }
        }
    }

    /// Cancels the removals still waiting; their folders stay and are found again at the next start-up.
    func cancelFolderRemovals() {
        let pending = folderRemovals.withLockedValue { state in
            defer { state.pending = [:] }
            return state.pending.values.map(\.scheduled)
        }
        for scheduled in pending { scheduled.cancel() }
    }

    /// The removals still waiting, each with its completion (failed when cancelled), for tests.
    var pendingFolderRemovals: [(folders: [String], done: EventLoopFuture<Void>)] {
        folderRemovals.withLockedValue { $0.pending.values.map { ($0.folders, $0.scheduled.futureResult) } }
    }
}
