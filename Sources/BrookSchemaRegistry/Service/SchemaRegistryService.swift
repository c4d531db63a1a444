import BrookSchemas
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Owns the registry state and its log: replays the log at start-up, follows records other
/// registries append, serves reads from memory and runs writes one at a time (single writer per
/// process). A write returns only after its records came back from the log and were applied, so a
/// client reads its own writes from any endpoint.
///
/// As a swift-service-lifecycle `Service`, `run()` follows the log until graceful shutdown; reads
/// and writes also work without it (they replay on first use), which is how tests drive it.
public actor SchemaRegistryService: Service {
    private let log: any RegistryLog
    private let logger: Logger
    private var state: RegistryState
    /// The next log offset to apply.
    private var appliedOffset: Int64 = 0
    private var replayed = false
    private var writing = false
    /// Caught up after the log's writer tenure began, with every append since applied: while the
    /// log says the tenure continues, a write decides without reading the log first.
    private var soleWriter = false
    private var writersWaiting: [CheckedContinuation<Void, Never>] = []
    private var appliedWaiters: [(offset: Int64, continuation: CheckedContinuation<Void, Never>)] = []

    /// - Parameters:
    ///   - parse: how schema text is parsed; nil means `SchemaFormats.parse` (tests inject a stand-in).
    private var observers: [@Sendable (RegistryState, Set<String>?) -> Void] = []

    /// Called after applied records changed schemas, from the actor, without the state: for caches
    /// that must be emptied (`RegistryReadCache`). Registered without awaiting, at set-up.
    private let schemaChangeHooks = NIOLockedValueBox<[@Sendable () -> Void]>([])

    public nonisolated func onSchemaChange(_ hook: @escaping @Sendable () -> Void) {
        schemaChangeHooks.withLockedValue { $0.append(hook) }
    }

    public init(log: any RegistryLog, parse: SchemaParser? = nil, logger: Logger = Logger(label: "brook.schema-registry")) {
        self.log = log
        self.logger = logger
        self.state = parse.map { RegistryState(parse: $0) } ?? RegistryState()
    }

    /// The state as of the latest applied record (after the start-up replay). Queries run on this
    /// copy, off the actor.
    public func currentState() async throws(RegistryError) -> RegistryState {
        if !replayed { try await replay() }
        return state
    }

    /// Runs a command against the caught-up state, appends its records, waits until they are
    /// applied, and returns the command's response.
    public func write<Response: Sendable>(
        _ command: @Sendable (RegistryState) throws(RegistryError) -> RegistryWrite<Response>
    ) async throws(RegistryError) -> Response {
        await acquireWriter()
        defer { releaseWriter() }
        var attempt = 0
        while true {
            attempt += 1
            // Become the writer first, then catch up with everything in the log (including other
            // registries' writes) and decide: a registry that becomes the writer after this point
            // fences this one's append, so a decision on a stale state never lands.
            let tenure = try await logCall { try await self.log.prepareWrite() }
            if tenure != .continued || !soleWriter {
                try await catchUp(to: try await logCall { try await self.log.endOffset() })
                soleWriter = tenure != .shared
            }
            replayed = true
            let write = try command(state)
            guard !write.records.isEmpty else { return write.response }
            let records = write.records.map(SchemaRecordCodec.encode)
            let end: Int64
            do {
                end = try await log.append(records)
            } catch RegistryLogError.fenced where attempt < Self.fencedAttempts {
                // Another registry wrote since this one caught up: nothing of ours landed; decide again.
                soleWriter = false
                continue
            } catch {
                soleWriter = false
                throw Self.registryError(error)
            }
            let first = end - Int64(records.count)
            if first == appliedOffset || soleWriter {
                // Nothing committed came between the catch-up and these records: either they follow
                // it directly, or this registry has been the only writer since it caught up (then the
                // gap holds only its own transaction markers). Apply them as read back, without
                // waiting for the log to deliver them.
                apply(RegistryLogBatch(entries: records.enumerated().map { .init(offset: first + Int64($0), record: $1) },
                                       nextOffset: end))
            } else {
                try await catchUp(to: end)
            }
            return write.response
        }
    }

    /// How often a write is decided again after another registry took over the log meanwhile.
    static let fencedAttempts = 10

    /// Returns once every record before `offset` is applied (by `run()` following the log, or by a
    /// write): how a caller that appended through another registry waits to read its write here.
    public func waitUntilApplied(offset: Int64) async {
        if appliedOffset >= offset { return }
        await withCheckedContinuation { appliedWaiters.append((offset, $0)) }
    }

    /// Follows the log, applying what other registries write, until graceful shutdown.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.follow()
        }
    }

    /// A failing log (broker restarting, partition moving) must not stop `brook serve`: the error
    /// is logged and the read retried; reads keep being served from memory meanwhile.
    private func follow() async throws {
        while !Task.isCancelled {
            do {
                if !replayed { try await replay() }
                apply(try await log.read(from: appliedOffset))
            } catch {
                if Task.isCancelled { return }
                logger.warning("Reading the schema registry log failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func replay() async throws(RegistryError) {
        try await catchUp(to: try await logCall { try await self.log.endOffset() })
        replayed = true
    }

    private func catchUp(to target: Int64) async throws(RegistryError) {
        while appliedOffset < target {
            let from = appliedOffset
            let batch = try await logCall { try await self.log.read(from: from) }
            apply(batch)
        }
    }

    /// Calls `observer` with the state now (all subjects changed: nil) and after every batch of
    /// records applied, with the subjects the batch touched (the broker's schema id validation keeps
    /// its own index this way, to answer without waiting). The observer must not keep the state:
    /// a copy held outside the actor makes the next write copy the whole state (copy-on-write).
    public func observe(_ observer: @escaping @Sendable (RegistryState, _ changedSubjects: Set<String>?) -> Void) {
        observers.append(observer)
        observer(state, nil)
    }

    /// Applies a batch, skipping entries another concurrent read already applied.
    private func apply(_ batch: RegistryLogBatch) {
        var changedSubjects = Set<String>()
        let watched = !observers.isEmpty || !schemaChangeHooks.withLockedValue { $0.isEmpty }
        for entry in batch.entries where entry.offset >= appliedOffset {
            state.apply(entry.record)
            appliedOffset = entry.offset + 1
            if watched, let record = try? SchemaRecordCodec.decode(entry.record) {
                switch record {
                case let .schema(subject, _, _), let .deleteSubject(subject, _): changedSubjects.insert(subject)
                default: break
                }
            }
        }
        if !changedSubjects.isEmpty {
            for observer in observers { observer(state, changedSubjects) }
            for hook in schemaChangeHooks.withLockedValue({ $0 }) { hook() }
        }
        appliedOffset = max(appliedOffset, batch.nextOffset)
        let ready = appliedWaiters.filter { $0.offset <= appliedOffset }
        appliedWaiters.removeAll { $0.offset <= appliedOffset }
        for waiter in ready { waiter.continuation.resume() }
    }

    private func logCall<T: Sendable>(_ call: @Sendable () async throws -> T) async throws(RegistryError) -> T {
        do {
            return try await call()
        } catch {
            throw Self.registryError(error)
        }
    }

    private static func registryError(_ error: any Error) -> RegistryError {
        switch error {
        case let error as RegistryError: error
        case RegistryLogError.timedOut(let detail): .storeTimeout(detail)
        default: .storeError(String(describing: error))
        }
    }

    private func acquireWriter() async {
        if !writing {
            writing = true
            return
        }
        await withCheckedContinuation { writersWaiting.append($0) }
    }

    private func releaseWriter() {
        if writersWaiting.isEmpty {
            writing = false
        } else {
            writersWaiting.removeFirst().resume()
        }
    }
}
