/// A `RegistryLog` in memory, for tests and for a registry that need not survive a restart.
/// Reads at the end wait for the next append (or cancellation), as a Kafka fetch long-polls.
public actor InMemoryRegistryLog: RegistryLog {
    private var records: [RegistryLogRecord] = []
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0
    /// When set, the next append throws it (tests of store failures).
    private var failure: (any Error)?

    public init(records: [RegistryLogRecord] = []) {
        self.records = records
    }

    /// Everything appended so far, in order.
    public var allRecords: [RegistryLogRecord] { records }

    public func failNextAppend(with error: any Error) {
        failure = error
    }

    public func append(_ new: [RegistryLogRecord]) async throws -> Int64 {
        if let failure {
            self.failure = nil
            throw failure
        }
        records += new
        let woken = waiters
        waiters = [:]
        for waiter in woken.values { waiter.resume() }
        return Int64(records.count)
    }

    public func read(from offset: Int64) async throws -> RegistryLogBatch {
        if offset >= records.count {
            let token = nextWaiter
            nextWaiter += 1
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    if Task.isCancelled || offset < records.count {
                        continuation.resume()
                    } else {
                        waiters[token] = continuation
                    }
                }
            } onCancel: {
                Task { await self.cancelWaiter(token) }
            }
        }
        let start = Int(max(0, min(offset, Int64(records.count))))
        let entries = records[start...].enumerated().map { RegistryLogBatch.Entry(offset: Int64(start + $0.offset), record: $0.element) }
        return RegistryLogBatch(entries: entries, nextOffset: Int64(records.count))
    }

    public func endOffset() async throws -> Int64 { Int64(records.count) }

    private func cancelWaiter(_ token: Int) {
        waiters.removeValue(forKey: token)?.resume()
    }
}
