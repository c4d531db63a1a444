import BrookEtcd
import Foundation
import Logging

/// The etcd store's one watch on its root, publishing every change to the store's feeds. Started
/// from a read of the root (the tracker's baseline), it watches from the read's revision + 1 and
/// resumes after the last revision it saw: after a lost connection it retries with backoff; when
/// etcd compacted that revision away it reads the root again and reports what changed meanwhile.
final class EtcdMetadataWatcher: @unchecked Sendable {
    private let client: EtcdClient
    private let layout: EtcdKeyLayout
    private let feed: ChangeFeed<MetadataChange>
    private let clusterFeed: ChangeFeed<EtcdClusterStateChange>
    private let configuration: EtcdMetadataStore.Configuration
    private let logger: Logger
    private let lock = NSLock()
    // Guarded by `lock`.
    private var task: Task<Void, Never>?
    private var resyncs = 0
    private var reconnects = 0

    init(client: EtcdClient, layout: EtcdKeyLayout, feed: ChangeFeed<MetadataChange>,
         clusterFeed: ChangeFeed<EtcdClusterStateChange>, configuration: EtcdMetadataStore.Configuration,
         logger: Logger) {
        self.client = client
        self.layout = layout
        self.feed = feed
        self.clusterFeed = clusterFeed
        self.configuration = configuration
        self.logger = logger
    }

    /// How many times history was lost and the root re-read (for tests and metrics).
    var compactionResyncs: Int { lock.withLock { resyncs } }
    /// How many times the watch was set up again after it failed.
    var watchRestarts: Int { lock.withLock { reconnects } }

    /// Reads the root and sets up the watch; returns once etcd confirmed it, so every write that
    /// completes afterwards is reported.
    func start() async throws(MetadataStoreError) {
        var tracker = EtcdMetadataChangeTracker(layout: layout)
        let snapshot = try await etcdCall("read of \(layout.root)") { try await client.getPrefix(layout.root) }
        log(tracker.resync(snapshot.kvs, revision: snapshot.header.revision).problems)
        let from = snapshot.header.revision + 1
        let stream = try await etcdCall("watch of \(layout.root)") {
            try await client.watch(layout.root, prefix: true, fromRevision: from)
        }
        let started = Task { [self, tracker] in
            await run(stream, tracker: tracker, next: from)
        }
        lock.withLock { task = started }
    }

    func stop() {
        lock.withLock { task }?.cancel()
    }

    private func run(_ first: AsyncThrowingStream<EtcdWatchEvent, Error>, tracker initial: EtcdMetadataChangeTracker,
                     next initialNext: Int64) async {
        var tracker = initial
        var next = initialNext
        var stream: AsyncThrowingStream<EtcdWatchEvent, Error>? = first
        var backoff = configuration.minReconnectDelay
        while !Task.isCancelled {
            do {
                let events: AsyncThrowingStream<EtcdWatchEvent, Error>
                if let stream {
                    events = stream
                } else {
                    events = try await client.watch(layout.root, prefix: true, fromRevision: next)
                    lock.withLock { reconnects += 1 }
                    logger.info("etcd metadata watch resumed", metadata: [EtcdStoreLogKeys.revision: "\(next)"])
                    backoff = configuration.minReconnectDelay
                }
                stream = nil
                for try await event in events {
                    next = max(next, event.kv.modRevision + 1)
                    publish(tracker.apply(event))
                }
                // Ended without an error: only when cancelled.
            } catch EtcdError.compacted(let compactRevision) {
                stream = nil
                logger.warning("etcd metadata watch lost history; re-reading", metadata: [
                    EtcdStoreLogKeys.revision: "\(next)", EtcdStoreLogKeys.compactRevision: "\(compactRevision)",
                ])
                do {
                    let snapshot = try await client.getPrefix(layout.root)
                    lock.withLock { resyncs += 1 }
                    publish(tracker.resync(snapshot.kvs, revision: snapshot.header.revision))
                    next = snapshot.header.revision + 1
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("etcd metadata re-read failed", metadata: [EtcdStoreLogKeys.error: "\(error)"])
                    await pause(&backoff)
                }
            } catch {
                stream = nil
                if Task.isCancelled { break }
                logger.warning("etcd metadata watch failed; retrying", metadata: [
                    EtcdStoreLogKeys.error: "\(error)", EtcdStoreLogKeys.revision: "\(next)",
                ])
                await pause(&backoff)
            }
        }
    }

    private func pause(_ backoff: inout Duration) async {
        try? await Task.sleep(for: backoff)
        backoff = min(backoff * 2, configuration.maxReconnectDelay)
    }

    private func publish(_ outcome: EtcdMetadataChangeTracker.Outcome) {
        log(outcome.problems)
        for change in outcome.changes { feed.publish(change) }
        for change in outcome.clusterChanges { clusterFeed.publish(change) }
    }

    private func log(_ problems: [MetadataStoreError]) {
        for problem in problems {
            logger.error("undecodable metadata in etcd skipped", metadata: [EtcdStoreLogKeys.error: "\(problem)"])
        }
    }
}

/// Logger metadata keys of the etcd metadata store, one form each.
enum EtcdStoreLogKeys {
    static let error = "brook.error"
    static let revision = "brook.etcd.revision"
    static let compactRevision = "brook.etcd.compact_revision"
}
