import NIOConcurrencyHelpers

/// Something that ends once, such as a client connection or the broker itself, and tells the work
/// waiting on it (a parked long-poll Fetch) to stop. Hooks are removed when that work ends on its
/// own, so a long-lived connection does not collect them.
public final class CloseSignal: Sendable {
    private struct State {
        var closed = false
        var nextKey = 0
        var hooks: [Int: @Sendable () -> Void] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// Runs `hook` once when the signal closes; nil (and `hook` is not kept) if it already has.
    func onClose(_ hook: @escaping @Sendable () -> Void) -> Int? {
        state.withLockedValue { s -> Int? in
            guard !s.closed else { return nil }
            let key = s.nextKey
            s.nextKey += 1
            s.hooks[key] = hook
            return key
        }
    }

    /// Forgets a hook registered with `onClose`.
    func removeHook(_ key: Int) {
        _ = state.withLockedValue { $0.hooks.removeValue(forKey: key) }
    }

    /// Number of hooks waiting (for tests: parked work not yet finished).
    var hookCount: Int { state.withLockedValue { $0.hooks.count } }

    /// Closes the signal and runs every hook; later calls do nothing.
    public func close() {
        let hooks = state.withLockedValue { s -> [@Sendable () -> Void] in
            guard !s.closed else { return [] }
            s.closed = true
            defer { s.hooks = [:] }
            return Array(s.hooks.values)
        }
        for hook in hooks { hook() }
    }
}
