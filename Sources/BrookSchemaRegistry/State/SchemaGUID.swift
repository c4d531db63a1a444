import BrookSchemas

/// A schema's GUID as Confluent 8 derives it: not stored or random, but the MD5 digest of what the
/// schema is (its text as stored, references, metadata and rule set), written as a UUID. So a
/// `_schemas` topic copied from Confluent keeps its GUIDs, and two registries holding the same
/// schema agree on it.
///
/// Facts from confluentinc/schema-registry: `client/.../rest/entities/Schema.java` (`getGuid`,
/// `updateHash`), `SchemaReference.java`, `Metadata.java`, `RuleSet.java`, `Rule.java` (each
/// `updateHash`), `core/.../storage/MD5.java` (UUID form; a SCHEMA value's base64 `md5` member,
/// written when sensitive metadata was encrypted, takes precedence) and `InMemoryCache.java`.
public struct SchemaGUID: Sendable, Hashable, CustomStringConvertible {
    /// The digest's 16 bytes, big-endian, as two words (no heap storage per schema).
    private let high: UInt64
    private let low: UInt64

    init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    public var bytes: [UInt8] {
        (0..<16).map { i in UInt8(truncatingIfNeeded: (i < 8 ? high : low) >> UInt64(56 - 8 * (i % 8))) }
    }

    /// The GUID of a stored version.
    init(_ value: SchemaRecordValue) {
        if let stored = value.otherMembers["md5"]?.stringValue, let bytes = Base64.decode(stored), let guid = SchemaGUID(bytes: bytes) {
            self = guid
            return
        }
        self.init(schema: value.schema, references: value.references, metadata: value.otherMembers["metadata"],
                  ruleSet: value.otherMembers["ruleSet"])
    }

    init(schema: String, references: [SchemaReference], metadata: JSONValue?, ruleSet: JSONValue?) {
        var md5 = MD5()
        md5.update(schema)
        for reference in references {
            md5.update(reference.name)
            md5.update(reference.subject)
            md5.update((0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: Int32(truncatingIfNeeded: reference.version)) >> (24 - 8 * UInt32($0))) })
        }
        if let metadata, !metadata.isNull {
            md5.update([1])
            Self.hash(metadata: metadata, into: &md5)
        }
        if let ruleSet, !ruleSet.isNull {
            md5.update([1])
            Self.hash(ruleSet: ruleSet, into: &md5)
        }
        self.init(bytes: md5.finish())!
    }

    /// Parses a GUID as Confluent accepts one in a path: the UUID form (any case) or 32 hex digits.
    public init?(parsing text: String) {
        let hex = text.count == 36 ? text.split(separator: "-", omittingEmptySubsequences: false) : [Substring(text)]
        if hex.count == 5, hex.map(\.count) != [8, 4, 4, 4, 12] { return nil }
        let digits = hex.joined()
        guard digits.utf8.count == 32 else { return nil }
        var bytes: [UInt8] = []
        var high: UInt8?
        for c in digits.utf8 {
            guard let nibble = Self.nibble(c) else { return nil }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        self.init(bytes: bytes)
    }

    /// Lower-case UUID form, as Java's `UUID.toString()` writes it.
    public var description: String {
        let digits = "0123456789abcdef".map { $0 }
        var out = ""
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append("-") }
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    // MARK: Confluent's hash of metadata and rule sets

    /// Maps and sets are hashed in Java's sorted order (TreeMap/TreeSet: UTF-16 code unit order).
    private static func javaSorted(_ strings: [String]) -> [String] {
        strings.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
    }

    /// A member as the string Jackson reads into a `String` field (scalars coerced to their text).
    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case let .string(s)?: s
        case let .number(n)?: n
        case let .bool(b)?: b ? "true" : "false"
        default: nil
        }
    }

    private static func sortedMembers(_ value: JSONValue?) -> [(String, JSONValue)] {
        let members = value?.objectMembers ?? []
        var last: [String: JSONValue] = [:]
        for (name, member) in members { last[name] = member }
        return javaSorted(Array(last.keys)).map { ($0, last[$0]!) }
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        javaSorted(Array(Set((value?.arrayValue ?? []).compactMap { text($0) })))
    }

    static func hash(metadata: JSONValue, into md5: inout MD5) {
        for (tag, values) in sortedMembers(metadata["tags"]) {
            md5.update(tag)
            for value in strings(values) { md5.update(value) }
        }
        for (name, value) in sortedMembers(metadata["properties"]) {
            guard let value = text(value) else { continue }
            md5.update(name)
            md5.update(value)
        }
        for name in strings(metadata["sensitive"]) { md5.update(name) }
    }

    static func hash(ruleSet: JSONValue, into md5: inout MD5) {
        for list in ["migrationRules", "domainRules", "encodingRules"] {
            for rule in ruleSet[list]?.arrayValue ?? [] { hash(rule: rule, into: &md5) }
        }
        if let enableAt = text(ruleSet["enableAt"]) { md5.update(enableAt) }
    }

    private static func hash(rule: JSONValue, into md5: inout MD5) {
        for member in ["name", "doc", "kind", "mode", "type"] {
            if let value = text(rule[member]) { md5.update(value) }
        }
        for tag in strings(rule["tags"]) { md5.update(tag) }
        for (name, value) in sortedMembers(rule["params"]) {
            guard let value = text(value) else { continue }
            md5.update(name)
            md5.update(value)
        }
        for member in ["expr", "onSuccess", "onFailure"] {
            if let value = text(rule[member]) { md5.update(value) }
        }
        if rule["disabled"]?.boolValue == true { md5.update([1]) }
    }
}

/// Standard base64 decoding (RFC 4648, padding optional), for the `md5` member Confluent writes.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var bits: UInt32 = 0
        var count = 0
        var out: [UInt8] = []
        for c in text.utf8 where c != UInt8(ascii: "=") {
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            default: return nil
            }
            bits = bits << 6 | UInt32(v)
            count += 6
            if count >= 8 {
                count -= 8
                out.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
            }
        }
        return out
    }
}
