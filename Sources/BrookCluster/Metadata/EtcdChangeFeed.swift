import Foundation

/// Fans values out to every stream subscribed at the time, in publishing order (the etcd store's
/// cluster-state changes; `MetadataChangeFeed` is the same for `MetadataChange`).
final class EtcdChangeFeed<Element: Sendable>: @unchecked Sendable {
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

    func publish(_ element: Element) {
        for continuation in lock.withLock({ Array(subscribers.values) }) { continuation.yield(element) }
    }

    func finish() {
        let targets = lock.withLock {
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
