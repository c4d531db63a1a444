extension SQLValue {
    /// Orders two values as ksqlDB compares them: numbers across INT/BIGINT/DOUBLE/DECIMAL (a DOUBLE
    /// on either side compares as doubles, else a DECIMAL as decimals), strings by UTF-16 code unit
    /// (Java's compareTo), booleans false < true, DATE against TIMESTAMP at midnight UTC. nil when
    /// either side is NULL or the pair is not ordered (collections, mixed kinds).
    public static func compare(_ lhs: SQLValue, _ rhs: SQLValue) -> Int? {
        switch (lhs, rhs) {
        case (.null, _), (_, .null): return nil
        case (.boolean(let a), .boolean(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.string(let a), .string(let b)): return order(Array(a.utf16), Array(b.utf16))
        case (.bytes(let a), .bytes(let b)): return order(a.map { Int8(bitPattern: $0) }, b.map { Int8(bitPattern: $0) })
        case (.date(let a), .date(let b)): return order(a, b)
        case (.time(let a), .time(let b)): return order(a, b)
        case (.timestamp(let a), .timestamp(let b)): return order(a, b)
        case (.date(let a), .timestamp(let b)): return order(Int64(a) * 86_400_000, b)
        case (.timestamp(let a), .date(let b)): return order(a, Int64(b) * 86_400_000)
        default: break
        }
        if let a = lhs.integerValue, let b = rhs.integerValue { return order(a, b) }
        if case .double = lhs, let b = rhs.numericDouble { return order(lhs.numericDouble!, b) }
        if case .double = rhs, let a = lhs.numericDouble { return order(a, rhs.numericDouble!) }
        if let a = lhs.asDecimal, let b = rhs.asDecimal { return SQLDecimal.compare(a, b) }
        return nil
    }

    /// SQL `=`: nil when either side is NULL (at any depth for collections, as ksqlDB's Java equals
    /// treats nested nulls as values: nested NULLs compare equal). Collections compare element-wise.
    public static func sqlEquals(_ lhs: SQLValue, _ rhs: SQLValue) -> Bool? {
        if lhs.isNull || rhs.isNull { return nil }
        return deepEquals(lhs, rhs)
    }

    /// Equality where NULL equals NULL (IS NOT DISTINCT FROM, GROUP BY keys, COLLECT_SET).
    public static func deepEquals(_ lhs: SQLValue, _ rhs: SQLValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { deepEquals($0, $1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count && a.allSatisfy { entry in
                b.contains { $0.key == entry.key && deepEquals($0.value, entry.value) }
            }
        case (.struct(let a), .struct(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.name == $1.name && deepEquals($0.value, $1.value) }
        default:
            return compare(lhs, rhs) == 0
        }
    }

    /// INT/BIGINT/DECIMAL as a decimal (scale 0 for integers; precision 10 or 19 as ksqlDB widens).
    var asDecimal: SQLDecimal? {
        switch self {
        case .int(let v): SQLDecimal(unscaled: Int64(v), scale: 0, precision: 10)
        case .bigint(let v): SQLDecimal(unscaled: v, scale: 0, precision: 19)
        case .decimal(let d): d
        default: nil
        }
    }

    private static func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }

    private static func order<T: Comparable>(_ a: [T], _ b: [T]) -> Int {
        for (x, y) in zip(a, b) where x != y { return x < y ? -1 : 1 }
        return order(a.count, b.count)
    }
}
