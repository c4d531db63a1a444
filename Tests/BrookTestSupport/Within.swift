/// A wait that gave up: what was awaited did not happen within its bound.
public struct TimedOut: Error, CustomStringConvertible {
    public var what: String
    public var description: String { "timed out waiting for \(what)" }

    public init(what: String) {
        self.what = what
    }
}

/// Awaits `body`, failing with `TimedOut` after `seconds`: bounds every wait on another process
/// (etcd, a broker) so a broken behaviour fails the test instead of hanging it.
public func within<T: Sendable>(_ seconds: Double, _ what: String,
                                _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut(what: what) }
        return value
    }
}
