/// One reconciliation of declared records against the tracked state (CocoIndex's model,
/// PLATFORM-NOTES §3). Records are declared one at a time, so a large input is fingerprinted and
/// compared as it is read and only changed values are kept; `finish` adds the deletes.
///
/// Per key: declared with the value the topic certainly holds → nothing; declared otherwise →
/// upsert; not declared but possibly holding a value → delete (tombstone, deletion value, or
/// nothing by policy); not declared and certainly holding nothing → nothing. An uncertain previous
/// state can only cause a re-emit, never a skipped delete.
///
/// The scope says which sources this pass re-read: keys tracked from other sources are left
/// alone, so one changed file is reconciled without reading the others, and a deleted file is a
/// pass over that source with nothing declared (one delete per key it had). A pass over changed
/// files must also cover `TrackedState.uncertainSources()`, the files an interrupted pass left
/// uncertain.
public struct ReconcilePass: Sendable {
    /// The sources a pass covers.
    public enum Scope: Sendable, Hashable {
        /// Every source: keys not declared in this pass are deleted wherever they came from.
        case everything
        /// Only these sources (e.g. the changed files).
        case sources(Set<String>)

        func contains(_ source: String) -> Bool {
            switch self {
            case .everything: true
            case let .sources(set): set.contains(source)
            }
        }
    }

    /// Where a key was declared in this pass: an index into `sources` and the line (0 if none),
    /// 8 bytes per key instead of a copied origin.
    private struct Declaration {
        var source: Int32
        var line: Int32
    }

    public let tracked: TrackedState
    public let scope: Scope
    public let deletion: DeletionPolicy
    private var declared: [String: Declaration] = [:]
    private var sources: [String] = []
    private var sourceIndex: [String: Int32] = [:]
    private var plan = ReconcilePlan()

    public init(tracked: TrackedState, scope: Scope = .everything, deletion: DeletionPolicy = .tombstone) {
        self.tracked = tracked
        self.scope = scope
        self.deletion = deletion
    }

    /// Reserves room for about `count` declarations (a hint for large inputs).
    public mutating func reserveCapacity(_ count: Int) {
        declared.reserveCapacity(count)
    }

    public mutating func declare(_ record: DeclaredRecord) throws(DesiredStateError) {
        try declare(key: record.key, value: record.value, origin: record.origin)
    }

    /// Declares that `key` should hold `value`. Throws when the key was already declared in this
    /// pass, or is tracked from a source this pass does not cover.
    public mutating func declare(key: String, value: [UInt8], origin: DeclaredOrigin) throws(DesiredStateError) {
        let index = intern(origin.source)
        if let earlier = declared.updateValue(Declaration(source: index, line: Int32(clamping: origin.line ?? 0)), forKey: key) {
            declared[key] = earlier
            let first = DeclaredOrigin(source: sources[Int(earlier.source)], line: earlier.line == 0 ? nil : Int(earlier.line))
            throw .duplicateKey(key: key, first: first, second: origin)
        }
        let previous = tracked[key]
        if let previous, previous.source != origin.source, !scope.contains(previous.source) {
            declared[key] = nil
            throw .duplicateKey(key: key, first: DeclaredOrigin(source: previous.source), second: origin)
        }
        let fingerprint = ValueFingerprint(of: value)
        if let previous, previous.certainlyHolds(fingerprint) {
            plan.unchanged += 1
            if previous.source != origin.source {
                // The row moved to another file unchanged: nothing to produce, but remember its new home.
                plan.commits.append(TrackingUpdate(key: key, state: .emitted(fingerprint, source: origin.source)))
            }
            return
        }
        plan.actions.append(.upsert(key: key, value: value))
        let possible = (previous?.possibleValues ?? []) + [fingerprint]
        let intent = TrackedKey(possibleValues: possible, mayBeMissing: previous?.mayBeMissing ?? true, source: origin.source)
        plan.intents.append(TrackingUpdate(key: key, state: intent, pending: true))
        plan.commits.append(TrackingUpdate(key: key, state: .emitted(fingerprint, source: origin.source)))
    }

    /// The plan: the upserts so far, then the deletes of tracked keys in scope that were not
    /// declared, ordered by source and key.
    public func finish() -> ReconcilePlan {
        var plan = plan
        let gone = tracked.keys.filter { key, state in scope.contains(state.source) && declared[key] == nil }
            .sorted { ($0.value.source, $0.key) < ($1.value.source, $1.key) }
        for (key, previous) in gone {
            guard previous.mayHoldAValue, deletion != .nothing else {
                // Certainly absent already, or deletes produce nothing: just forget the key.
                plan.commits.append(TrackingUpdate(key: key, state: nil))
                continue
            }
            switch deletion {
            case .tombstone: plan.actions.append(.delete(key: key, value: nil))
            case let .value(bytes): plan.actions.append(.delete(key: key, value: bytes))
            case .nothing: break
            }
            let intent = TrackedKey(possibleValues: previous.possibleValues, mayBeMissing: true, source: previous.source)
            plan.intents.append(TrackingUpdate(key: key, state: intent, pending: true))
            plan.commits.append(TrackingUpdate(key: key, state: nil))
        }
        return plan
    }

    private mutating func intern(_ source: String) -> Int32 {
        if let index = sourceIndex[source] { return index }
        let index = Int32(sources.count)
        sources.append(source)
        sourceIndex[source] = index
        return index
    }
}
