/// A JSON document that keeps what schema work needs and Foundation's JSONSerialization loses: the
/// order of object members (Avro field order, canonical forms) and the literal text of numbers
/// (integer vs. floating point, no rounding of large integers).
public indirect enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number's literal text as it appeared (or as written by `init(integer:)` / `init(double:)`).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in document order. Duplicate names are rejected by the parser.
    case object([(String, JSONValue)])

    public init(integer: Int64) { self = .number(String(integer)) }
    public init(double: Double) { self = .number(double.isFinite ? "\(double)" : "null") }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.number(a), .number(b)): a == b || (Double(a) != nil && Double(a) == Double(b))
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)): a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case let .bool(b): hasher.combine(b)
        case let .number(n): hasher.combine(Double(n) ?? 0)
        case let .string(s): hasher.combine(s)
        case let .array(a): hasher.combine(a)
        case let .object(members):
            for (name, value) in members {
                hasher.combine(name)
                hasher.combine(value)
            }
        }
    }

    /// The value of member `name` of an object; nil for a missing member or a non-object.
    public subscript(name: String) -> JSONValue? {
        guard case let .object(members) = self else { return nil }
        return members.first { $0.0 == name }?.1
    }

    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    public var objectMembers: [(String, JSONValue)]? {
        if case let .object(m) = self { return m }
        return nil
    }

    /// The number as an exact 64-bit integer: nil for non-numbers, fractions and out-of-range values
    /// (`1.0` and `1e2` count as integers, as JSON Schema counts them).
    public var int64Value: Int64? {
        guard case let .number(text) = self else { return nil }
        if let exact = Int64(text) { return exact }
        guard let d = Double(text), d.rounded() == d, d >= -9.223372036854776E18, d < 9.223372036854776E18 else { return nil }
        return Int64(d)
    }

    public var doubleValue: Double? {
        guard case let .number(text) = self else { return nil }
        return Double(text)
    }

    /// Whether the literal is written as an integer (no fraction or exponent).
    public var isIntegerLiteral: Bool {
        guard case let .number(text) = self else { return false }
        return !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
    }
}
