import BrookProtocol

/// Whether a coordinator shard serves, and for which term. A shard serves while this broker leads
/// its internal-topic partition (Kafka's GroupCoordinator.onElection/onResignation): it loads when
/// elected, resigns when the partition is led elsewhere (or fenced), and reloads from the log when
/// elected again at a new leader epoch. A single node loads each shard once, at epoch 0.
///
/// Each load starts a new generation; work begun under one (a replay chunk, an append, a marker
/// retry) checks that it is still current before it touches the shard again, so nothing from an
/// earlier term reaches the state of a later one.
struct CoordinatorShardLifecycle: Equatable, Sendable {
    enum Status: Equatable, Sendable {
        /// Not serving yet: the internal topic is still opening, or the partition is replaying.
        case loading
        case active
        /// Another broker leads the partition (or none does).
        case resigned
        /// Shutdown: refuses everything from now on.
        case closed
    }

    private(set) var status = Status.loading
    /// The leader epoch of the term being loaded or served (nil: none begun).
    private(set) var leaderEpoch: Int32?
    private(set) var generation: UInt64 = 0
    /// Whether a term has begun (the topic is open and this shard was told its role).
    private var started = false

    /// What a shard should do when elected.
    enum Election: Equatable, Sendable {
        /// Already loading or serving this term, or shut down: nothing to do.
        case ignore
        /// Replay the partition under `generation`; if `unloadFirst`, drop the previous term's
        /// state (answer what it parked) before.
        case load(generation: UInt64, unloadFirst: Bool)
    }

    /// This broker leads the partition at `leaderEpoch`.
    mutating func elected(leaderEpoch epoch: Int32) -> Election {
        switch status {
        case .closed:
            return .ignore
        case .loading, .active:
            if started, leaderEpoch == epoch { return .ignore }
        case .resigned:
            break
        }
        let serving = started && (status == .loading || status == .active)
        started = true
        generation &+= 1
        status = .loading
        leaderEpoch = epoch
        return .load(generation: generation, unloadFirst: serving)
    }

    /// The replay under `generation` finished: serve, unless the term ended meanwhile.
    mutating func loaded(generation: UInt64) -> Bool {
        guard status == .loading, started, generation == self.generation else { return false }
        status = .active
        return true
    }

    /// Another broker leads the partition now, or none does. Returns whether a term was loading or
    /// serving (its state must be dropped and what it parked answered NOT_COORDINATOR).
    mutating func resigned() -> Bool {
        guard status != .closed, status != .resigned else { return false }
        let serving = started && (status == .loading || status == .active)
        started = true
        generation &+= 1
        status = .resigned
        leaderEpoch = nil
        return serving
    }

    /// Shutdown. Returns whether it was not closed already.
    mutating func close() -> Bool {
        guard status != .closed else { return false }
        generation &+= 1
        status = .closed
        return true
    }

    /// Whether work begun under `generation` may still touch the shard.
    func isCurrent(_ generation: UInt64) -> Bool {
        generation == self.generation && (status == .loading || status == .active)
    }

    var isActive: Bool { status == .active }

    /// What a request gets while the shard does not serve: Kafka's COORDINATOR_LOAD_IN_PROGRESS
    /// while loading, NOT_COORDINATOR when another broker coordinates (or this one shuts down).
    var unavailableError: ErrorCode? {
        switch status {
        case .loading: return .coordinatorLoadInProgress
        case .active: return nil
        case .resigned, .closed: return .notCoordinator
        }
    }
}
