/// What the desired-state source knows about one key of the target topic: the values the topic may
/// hold for it (fingerprints; one when certain) and whether it may hold nothing. After a crash
/// between producing and committing, the key holds either its old or its new value, so both are
/// possible and the next pass re-emits rather than risk skipping a change (PLATFORM-NOTES §3,
/// CocoIndex's `prev_possible_records` / `prev_may_be_missing`).
public struct TrackedKey: Sendable, Hashable {
    // The smallest possible fingerprint inline and the rest (after a crash) in an array, so the
    // common certain key costs no allocation.
    private var first: ValueFingerprint?
    private var others: [ValueFingerprint]
    /// Whether the topic may hold no value for the key (never written, tombstoned, or holding the
    /// configured deletion value).
    public var mayBeMissing: Bool
    /// The input the key was last declared in (file path, or the SQL source's label).
    public var source: String

    public init(possibleValues: some Sequence<ValueFingerprint>, mayBeMissing: Bool, source: String) {
        var sorted = Array(Set(possibleValues)).sorted()
        first = sorted.first
        if !sorted.isEmpty { sorted.removeFirst() }
        others = sorted
        self.mayBeMissing = mayBeMissing
        self.source = source
    }

    /// Fingerprints of values the topic may hold for the key: sorted, without duplicates.
    public var possibleValues: [ValueFingerprint] {
        guard let first else { return [] }
        return [first] + others
    }

    /// The state after the key's value with `fingerprint` was produced and committed.
    public static func emitted(_ fingerprint: ValueFingerprint, source: String) -> TrackedKey {
        TrackedKey(certain: fingerprint, source: source)
    }

    private init(certain fingerprint: ValueFingerprint, source: String) {
        first = fingerprint
        others = []
        mayBeMissing = false
        self.source = source
    }

    /// Whether the topic certainly holds exactly the value with `fingerprint`.
    public func certainlyHolds(_ fingerprint: ValueFingerprint) -> Bool {
        !mayBeMissing && others.isEmpty && first == fingerprint
    }

    /// Whether the topic's value for the key is known exactly.
    public var isCertain: Bool { !mayBeMissing && first != nil && others.isEmpty }

    /// Whether the topic may hold some value for the key (so a delete must be produced).
    public var mayHoldAValue: Bool { first != nil }
}
