import Foundation

/// Fans values out to every stream subscribed at the time, in the order they are published (the
/// stores' `changes()`, the etcd store's cluster-state changes).
final class ChangeFeed<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var subscribers: [Int: AsyncStream<Element>.Continuation] = [:]
    private var nextId = 0

    func subscribe() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .unbounded)
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
    func publish(_ change: Element) {
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
