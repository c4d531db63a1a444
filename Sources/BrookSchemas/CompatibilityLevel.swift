/// Confluent's compatibility levels, per subject or global (default BACKWARD).
public enum CompatibilityLevel: String, Sendable, CaseIterable, Hashable {
    case none = "NONE"
    case backward = "BACKWARD"
    case backwardTransitive = "BACKWARD_TRANSITIVE"
    case forward = "FORWARD"
    case forwardTransitive = "FORWARD_TRANSITIVE"
    case full = "FULL"
    case fullTransitive = "FULL_TRANSITIVE"

    /// Whether the new schema must be checked against every earlier version, not just the latest.
    public var isTransitive: Bool {
        self == .backwardTransitive || self == .forwardTransitive || self == .fullTransitive
    }

    var checksBackward: Bool { self == .backward || self == .backwardTransitive || isFull }
    var checksForward: Bool { self == .forward || self == .forwardTransitive || isFull }
    private var isFull: Bool { self == .full || self == .fullTransitive }
}

/// Decides whether a new schema may join a subject, given the subject's live versions.
public enum CompatibilityChecker {
    /// The issues that keep `new` out of a subject whose live versions are `previous` (oldest first);
    /// empty when it is compatible. Non-transitive levels compare with the latest version only.
    public static func issues(
        new: any ParsedSchema, previous: [any ParsedSchema], level: CompatibilityLevel
    ) -> [CompatibilityIssue] {
        guard level != .none, let latest = previous.last else { return [] }
        let against = level.isTransitive ? previous : [latest]
        var found: [CompatibilityIssue] = []
        // Newest first, as Confluent reports the version that broke.
        for old in against.reversed() {
            if new.schemaType != old.schemaType {
                found.append(CompatibilityIssue(
                    errorType: "TYPE_MISMATCH", path: "/",
                    detail: "The new schema is \(new.schemaType.rawValue), the old one \(old.schemaType.rawValue)"))
                continue
            }
            if level.checksBackward {
                found += new.compatibilityIssues(readingDataWrittenWith: old)
            }
            if level.checksForward {
                found += old.compatibilityIssues(readingDataWrittenWith: new)
            }
        }
        return found
    }
}
