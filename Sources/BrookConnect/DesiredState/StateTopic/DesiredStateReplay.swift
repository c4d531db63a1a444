/// Rebuilds the tracked state from the desired-state topic, read from the start in offset order
/// (after compaction each key's latest record survives, which gives the same result). Keys whose
/// latest record is a pending intent stay uncertain, so the next pass re-emits them.
public struct DesiredStateReplay: Sendable {
    public private(set) var tracked = TrackedState()
    /// Keys whose latest record is a pending intent: the previous run stopped mid-pass.
    public private(set) var pendingKeys: Set<String> = []
    /// The latest pass marker, if any pass has run.
    public private(set) var lastPass: PassMarker?
    /// One copy of each source path, shared by all the keys that came from it.
    private var sources: [String: String] = [:]

    public init() {}

    /// Whether the previous run stopped between producing a pass's records and committing them.
    public var interrupted: Bool {
        !(lastPass?.completed ?? true) || !pendingKeys.isEmpty
    }

    /// The next pass's number.
    public var nextPassNumber: UInt64 {
        (lastPass?.number ?? 0) &+ 1
    }

    public mutating func apply(_ record: DesiredStateRecord) throws(DesiredStateError) {
        switch try DesiredStateCodec.decode(record) {
        case let .tracked(key, state, pending):
            var state = state
            if let shared = sources[state.source] {
                state.source = shared
            } else {
                sources[state.source] = state.source
            }
            tracked[key] = state
            if pending { pendingKeys.insert(key) } else { pendingKeys.remove(key) }
        case let .forgotten(key):
            tracked[key] = nil
            pendingKeys.remove(key)
        case let .pass(marker):
            lastPass = marker
        case .unknown:
            break
        }
    }

    public static func replay(_ records: some Sequence<DesiredStateRecord>) throws(DesiredStateError) -> DesiredStateReplay {
        var replay = DesiredStateReplay()
        for record in records { try replay.apply(record) }
        return replay
    }
}
