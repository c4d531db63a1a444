/// A runtime value of ksqlDB's type system. Maps keep insertion order; ksqlDB map keys are strings.
public indirect enum SQLValue: Sendable, Hashable {
    case null
    case boolean(Bool)
    case int(Int32)
    case bigint(Int64)
    case double(Double)
    case decimal(SQLDecimal)
    case string(String)
    case bytes([UInt8])
    /// Days since 1970-01-01.
    case date(Int32)
    /// Milliseconds since midnight.
    case time(Int32)
    /// Milliseconds since the epoch, UTC.
    case timestamp(Int64)
    case array([SQLValue])
    case map([(key: String, value: SQLValue)])
    case `struct`([(name: String, value: SQLValue)])

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value's own type; nil for NULL. Element types of collections come from the first non-null
    /// element (STRING for an empty collection); a decimal reports its own precision and scale.
    public var sqlType: SQLType? {
        switch self {
        case .null: return nil
        case .boolean: return .boolean
        case .int: return .integer
        case .bigint: return .bigint
        case .double: return .double
        case .decimal(let d): return .decimal(precision: d.precision, scale: d.scale)
        case .string: return .string
        case .bytes: return .bytes
        case .date: return .date
        case .time: return .time
        case .timestamp: return .timestamp
        case .array(let items): return .array(items.lazy.compactMap(\.sqlType).first ?? .string)
        case .map(let entries):
            return .map(key: .string, value: entries.lazy.compactMap(\.value.sqlType).first ?? .string)
        case .struct(let fields):
            return .struct(fields.map { .init(name: $0.name, type: $0.value.sqlType ?? .string) })
        }
    }

    /// The value as a 64-bit integer when it is INT or BIGINT.
    var integerValue: Int64? {
        switch self {
        case .int(let v): Int64(v)
        case .bigint(let v): v
        default: nil
        }
    }

    /// Any numeric value as a double.
    var numericDouble: Double? {
        switch self {
        case .int(let v): Double(v)
        case .bigint(let v): Double(v)
        case .double(let v): v
        case .decimal(let d): d.doubleValue
        default: nil
        }
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Looks up a map entry or struct field (maps by exact key, structs by case-insensitive name as
    /// ksqlDB's unquoted identifiers are upper-cased).
    public func field(_ name: String) -> SQLValue? {
        switch self {
        case .map(let entries): return entries.first { $0.key == name }?.value
        case .struct(let fields):
            return fields.first { $0.name == name }?.value
                ?? fields.first { $0.name.uppercased() == name.uppercased() }?.value
        default: return nil
        }
    }
}

extension SQLValue: Equatable {
    /// Structural equality (same case, same payload; doubles compare with ==, so NaN ≠ NaN). For
    /// SQL's `=` with numeric promotion use `SQLValue.compare`.
    public static func == (lhs: SQLValue, rhs: SQLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.bigint(let a), .bigint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.decimal(let a), .decimal(let b)): return a.unscaled == b.unscaled && a.scale == b.scale
        case (.string(let a), .string(let b)): return a == b
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.date(let a), .date(let b)): return a == b
        case (.time(let a), .time(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.map(let a), .map(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.struct(let a), .struct(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && $0.value == $1.value }
        default: return false
        }
    }
}

extension SQLValue {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .boolean(let v): hasher.combine(v)
        case .int(let v): hasher.combine(v)
        case .bigint(let v): hasher.combine(v)
        case .double(let v): hasher.combine(v)
        case .decimal(let d): hasher.combine(d.unscaled); hasher.combine(d.scale)
        case .string(let v): hasher.combine(v)
        case .bytes(let v): hasher.combine(v)
        case .date(let v): hasher.combine(v)
        case .time(let v): hasher.combine(v)
        case .timestamp(let v): hasher.combine(v)
        case .array(let v): hasher.combine(v)
        case .map(let entries):
            for entry in entries { hasher.combine(entry.key); hasher.combine(entry.value) }
        case .struct(let fields):
            for field in fields { hasher.combine(field.name); hasher.combine(field.value) }
        }
    }
}
