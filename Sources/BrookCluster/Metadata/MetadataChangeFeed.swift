import Foundation

/// Fans changes out to every `changes()` stream open at the time, in the order they are published.
final class MetadataChangeFeed: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var subscribers: [Int: AsyncStream<MetadataChange>.Continuation] = [:]
    private var nextId = 0

    func subscribe() -> AsyncStream<MetadataChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: MetadataChange.self, bufferingPolicy: .unbounded)
        let id = lock.withLock {
            nextId += 1
            subscribers[nextId] = continuation
            return nextId
        }
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            self.lock.withLock { _ = self.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Call in store order (the local store calls it under its own lock, right after the write).
    func publish(_ change: MetadataChange) {
        let targets = lock.withLock { Array(subscribers.values) }
        for continuation in targets { continuation.yield(change) }
    }

    /// Ends every stream (the store is going away).
    func finish() {
        let targets = lock.withLock {
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
