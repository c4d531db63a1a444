import Foundation

/// Counts watch changes queued for the member but not processed yet, so a burst (one etcd txn that
/// moved 20 leaderships arrives as 20 changes) is applied as a whole before roles and the routing
/// view are announced once, instead of announcing (and carrying out role changes) after each.
final class EventBacklog: @unchecked Sendable {
    private let lock = NSLock()
    private var queued = 0

    func added() {
        lock.withLock { queued += 1 }
    }

    /// One change taken off the queue; returns how many are still waiting behind it.
    func taken() -> Int {
        lock.withLock {
            queued = max(0, queued - 1)
            return queued
        }
    }
}
