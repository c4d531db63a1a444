import BrookSchemas
import Foundation
import Logging
import NIOConcurrencyHelpers

/// The desired-state source as a Connect source task (`"connector.class": "DesiredStateSource"`):
/// each poll runs a `DesiredStateSourceRunner` pass when one is due (`DesiredStatePassTrigger`: a
/// full pass at start and every `poll.interval.ms`, one over the changed files as soon as the
/// directory watcher reports them) and returns no records — the runner writes the records and its
/// tracking state itself, in one transaction, so the worker has no offsets to commit. Input
/// problems (a broken CSV line, a duplicate key) and cluster errors are retriable: the next pass
/// reads everything again; a bad config fails the task.
public actor DesiredStateSourceTask: SourceTask {
    private var runner: DesiredStateSourceRunner?
    private var trigger = DesiredStatePassTrigger(interval: .seconds(60))
    private let reported = ChangedPaths()
    private var forwarding: Task<Void, Never>?
    private var stopWatching: (@Sendable () -> Void)?
    private let pause = PollPause()
    private let logger: Logger

    public init(logger: Logger = Logger(label: "brook.connect.desired-state")) {
        self.logger = logger
    }

    public func start(config: [String: String], context: any SourceTaskContext) async throws {
        let parsed = try DesiredStateConfig(properties: config)
        let reader = ConnectConfigReader(config)
        let interval = try reader.long("poll.interval.ms", default: 60000, minimum: 1)
        trigger = DesiredStatePassTrigger(interval: .milliseconds(interval))
        runner = DesiredStateSourceRunner(config: parsed, client: context.client, logger: logger)
        if parsed.input != .sql { watch(PathGlob(parsed.path ?? ".").root) }
    }

    public func poll() async throws -> [SourceRecord] {
        guard let runner, !pause.isStopped else { return [] }
        if let paths = reported.take() { trigger.filesChanged(paths) }
        let now = ContinuousClock.now
        let decision = trigger.decide(now: now)
        let scope: Set<String>?
        switch decision {
        case .wait(let duration):
            await pause.wait(duration)
            return []
        case .full: scope = nil
        case .changed(let paths): scope = paths
        }
        do {
            _ = try await runner.runPass(changedFiles: scope)
            trigger.passed(decision, startedAt: now)
        } catch let error as DesiredStateError {
            trigger.passFailed()
            if case .invalidConfig = error { throw error }
            throw RetriableConnectError("\(error)")
        } catch {
            trigger.passFailed()
            throw RetriableConnectError("desired-state pass failed: \(error)")
        }
        return []
    }

    public func stop() async {
        pause.stop()
        stopWatching?()
        forwarding?.cancel()
        await runner?.close()
        runner = nil
    }

    /// Watches the glob's root for changes (Linux inotify); without a watcher only the interval's
    /// full passes notice edits.
    private func watch(_ root: String) {
        #if canImport(Glibc)
        do {
            let watcher = try DirectoryWatcher(root: root)
            let reported = self.reported, pause = self.pause
            stopWatching = { watcher.stop() }
            forwarding = Task {
                for await batch in watcher.changes {
                    reported.add(batch)
                    pause.wake()
                }
            }
        } catch {
            logger.warning("cannot watch \(root) for changes (\(error)); passes run every poll.interval.ms only")
        }
        #endif
    }
}

/// Changed paths the directory watcher reported and no poll has taken yet.
final class ChangedPaths: Sendable {
    private let paths = NIOLockedValueBox(Set<String>())

    func add(_ batch: Set<String>) { paths.withLockedValue { $0.formUnion(batch) } }

    func take() -> Set<String>? {
        paths.withLockedValue { paths in
            guard !paths.isEmpty else { return nil }
            defer { paths.removeAll() }
            return paths
        }
    }
}
