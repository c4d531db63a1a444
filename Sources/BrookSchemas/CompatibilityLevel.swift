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

    /// Confluent's verbose messages for `new` against one earlier version (`old`, registered as
    /// version `oldVersion`), empty when compatible at `level`. As Confluent's
    /// `SchemaValidatorBuilder` words them: BACKWARD names the new schema the reader ("new"/"old"),
    /// FORWARD the old one ("old"/"new"); FULL lists the forward messages, then the backward ones.
    /// A check whose messages name the old schema is followed by `{oldSchemaVersion: N}` and
    /// `{oldSchema: '…'}` — for FULL only when the backward check fails. Different schema types
    /// give Confluent's one sentence without either. The registry adds the closing
    /// `{validateFields: …, compatibility: …}` line.
    public static func confluentMessages(
        new: any ParsedSchema, old: any ParsedSchema, oldVersion: Int?, level: CompatibilityLevel
    ) -> [String] {
        guard level != .none else { return [] }
        guard new.schemaType == old.schemaType else { return ["Incompatible because of different schema type"] }
        var messages: [String] = []
        if level.checksForward {
            messages += old.compatibilityIssues(readingDataWrittenWith: new).map { $0.confluentMessage(reader: "old", writer: "new") }
            if !level.checksBackward, !messages.isEmpty {
                messages += oldSchemaMessages(old, version: oldVersion)
            }
        }
        if level.checksBackward {
            let backward = new.compatibilityIssues(readingDataWrittenWith: old).map { $0.confluentMessage(reader: "new", writer: "old") }
            if !backward.isEmpty {
                messages += backward + oldSchemaMessages(old, version: oldVersion)
            }
        }
        return messages
    }

    /// Confluent quotes the old schema's canonical text, cut at 10 KiB (in UTF-16 units, as Java
    /// counts) with `<truncated>` and `...` around what is kept.
    private static func oldSchemaMessages(_ old: any ParsedSchema, version: Int?) -> [String] {
        let limit = 10 * 1024
        let text = old.canonicalString
        var messages = version.map { ["{oldSchemaVersion: \($0)}"] } ?? []
        if text.utf16.count <= limit {
            messages.append("{oldSchema: '\(text)'}")
        } else {
            let kept = String(decoding: Array(text.utf16.prefix(limit)), as: UTF16.self)
            messages.append("{oldSchema: <truncated> '\(kept)...'}")
        }
        return messages
    }
}
