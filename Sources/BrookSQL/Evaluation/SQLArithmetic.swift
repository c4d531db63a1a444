/// ksqlDB's binary operators over values. Integers wrap on overflow as Java's int/long do
/// (ArithmeticInterpreter applies Java's `+ - * / %`); INT with BIGINT is BIGINT; a DOUBLE makes the
/// result DOUBLE; DECIMALs follow SqlDecimal's precision/scale rules and must be exact.
enum SQLArithmetic {
    static func apply(_ op: BinaryOperator, _ lhs: SQLValue, _ rhs: SQLValue) throws -> SQLValue {
        switch op {
        case .and, .or:
            preconditionFailure("AND/OR are evaluated lazily by ExpressionEvaluator")
        case .equal, .notEqual:
            if lhs.isNull || rhs.isNull { return .null }
            let (lhs, rhs) = try temporalOperands(lhs, rhs)
            try requireComparable(lhs, rhs, ordered: false)
            let equal = SQLValue.deepEquals(lhs, rhs)
            return .boolean(op == .equal ? equal : !equal)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            if lhs.isNull || rhs.isNull { return .null }
            let (lhs, rhs) = try temporalOperands(lhs, rhs)
            try requireComparable(lhs, rhs, ordered: true)
            guard let order = SQLValue.compare(lhs, rhs) else {
                throw SQLEvaluationError.typeMismatch("cannot order \(typeName(lhs)) and \(typeName(rhs))")
            }
            switch op {
            case .less: return .boolean(order < 0)
            case .lessOrEqual: return .boolean(order <= 0)
            case .greater: return .boolean(order > 0)
            default: return .boolean(order >= 0)
            }
        case .concat:
            // ksqlDB parses `a || b` as CONCAT(a, b), which skips NULLs.
            guard lhs.isNull || lhs.stringValue != nil, rhs.isNull || rhs.stringValue != nil else {
                throw SQLEvaluationError.typeMismatch("|| needs STRING operands")
            }
            return .string((lhs.stringValue ?? "") + (rhs.stringValue ?? ""))
        case .add, .subtract, .multiply, .divide, .modulo:
            if lhs.isNull || rhs.isNull { return .null }
            return try arithmetic(op, lhs, rhs)
        }
    }

    /// ComparisonInterpreter: when either side is TIMESTAMP (else DATE, else TIME) the other side
    /// is cast to that type, so `ts > '2024-01-01T00:00:00'` compares instants.
    private static func temporalOperands(_ lhs: SQLValue, _ rhs: SQLValue) throws -> (SQLValue, SQLValue) {
        for type in [SQLType.timestamp, .date, .time] {
            let isType = { (v: SQLValue) -> Bool in v.sqlType == type }
            if isType(lhs), rhs.stringValue != nil { return (lhs, try SQLCast.cast(rhs, to: type)) }
            if isType(rhs), lhs.stringValue != nil { return (try SQLCast.cast(lhs, to: type), rhs) }
        }
        return (lhs, rhs)
    }

    static func negate(_ value: SQLValue) throws -> SQLValue {
        switch value {
        case .null: return .null
        case .int(let v): return .int(0 &- v)
        case .bigint(let v): return .bigint(0 &- v)
        case .double(let v): return .double(-v)
        case .decimal(var d): d.unscaled = 0 &- d.unscaled; return .decimal(d)
        default: throw SQLEvaluationError.typeMismatch("unary minus of \(typeName(value))")
        }
    }

    private static func requireComparable(_ lhs: SQLValue, _ rhs: SQLValue, ordered: Bool) throws {
        let numeric = lhs.numericDouble != nil && rhs.numericDouble != nil
        let temporal: Bool = switch (lhs, rhs) {
        case (.date, .timestamp), (.timestamp, .date): true
        default: false
        }
        let sameKind = kind(lhs) == kind(rhs)
        guard numeric || temporal || sameKind else {
            throw SQLEvaluationError.typeMismatch("cannot compare \(typeName(lhs)) with \(typeName(rhs))")
        }
        if ordered, case .array = lhs { throw SQLEvaluationError.typeMismatch("ARRAY is not ordered") }
        if ordered, case .map = lhs { throw SQLEvaluationError.typeMismatch("MAP is not ordered") }
        if ordered, case .struct = lhs { throw SQLEvaluationError.typeMismatch("STRUCT is not ordered") }
    }

    private static func kind(_ value: SQLValue) -> Int {
        switch value {
        case .null: 0
        case .boolean: 1
        case .int, .bigint, .double, .decimal: 2
        case .string: 3
        case .bytes: 4
        case .date: 5
        case .time: 6
        case .timestamp: 7
        case .array: 8
        case .map: 9
        case .struct: 10
        }
    }

    static func typeName(_ value: SQLValue) -> String {
        value.sqlType.map { SQLFormatter.format($0) } ?? "NULL"
    }

    private static func arithmetic(_ op: BinaryOperator, _ lhs: SQLValue, _ rhs: SQLValue) throws -> SQLValue {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)):
            return .int(try integer(op, a, b))
        case (.int, .bigint), (.bigint, .int), (.bigint, .bigint):
            return .bigint(try integer(op, lhs.integerValue!, rhs.integerValue!))
        case (.double, _), (_, .double):
            guard let a = lhs.numericDouble, let b = rhs.numericDouble else { break }
            switch op {
            case .add: return .double(a + b)
            case .subtract: return .double(a - b)
            case .multiply: return .double(a * b)
            case .divide: return .double(a / b)
            default: return .double(a.truncatingRemainder(dividingBy: b))
            }
        default:
            guard let a = lhs.asDecimal, let b = rhs.asDecimal else { break }
            return .decimal(try decimal(op, a, b))
        }
        throw SQLEvaluationError.typeMismatch("\(op.rawValue) of \(typeName(lhs)) and \(typeName(rhs))")
    }

    private static func integer<T: FixedWidthInteger & SignedInteger>(_ op: BinaryOperator, _ a: T, _ b: T) throws -> T {
        switch op {
        case .add: return a &+ b
        case .subtract: return a &- b
        case .multiply: return a &* b
        case .divide:
            guard b != 0 else { throw SQLEvaluationError.divisionByZero }
            return a.dividedReportingOverflow(by: b).partialValue
        default:
            guard b != 0 else { throw SQLEvaluationError.divisionByZero }
            return a.remainderReportingOverflow(dividingBy: b).partialValue
        }
    }

    /// Result types from ksqlDB's SqlDecimal.add/multiply/divide/modulus; values exact at that scale.
    static func decimal(_ op: BinaryOperator, _ a: SQLDecimal, _ b: SQLDecimal) throws -> SQLDecimal {
        let overflow = SQLEvaluationError.decimalOverflow("\(a) \(op.rawValue) \(b)")
        switch op {
        case .add, .subtract:
            let scale = max(a.scale, b.scale)
            let precision = scale + max(a.precision - a.scale, b.precision - b.scale) + 1
            guard let x = a.rescaled(to: scale, rounding: .unnecessary), let y = b.rescaled(to: scale, rounding: .unnecessary) else { throw overflow }
            let (sum, o) = op == .add ? x.unscaled.addingReportingOverflow(y.unscaled) : x.unscaled.subtractingReportingOverflow(y.unscaled)
            guard !o else { throw overflow }
            return SQLDecimal(unscaled: sum, scale: scale, precision: precision)
        case .multiply:
            let (product, o) = a.unscaled.multipliedReportingOverflow(by: b.unscaled)
            guard !o else { throw overflow }
            return SQLDecimal(unscaled: product, scale: a.scale + b.scale, precision: a.precision + b.precision + 1)
        case .divide:
            guard !b.isZero else { throw SQLEvaluationError.divisionByZero }
            let scale = max(6, a.scale + b.precision + 1)
            let precision = a.precision - a.scale + b.scale + scale
            // a/10^as ÷ b/10^bs at scale S: (a × 10^(S - as + bs)) / b, which must divide exactly.
            guard let numerator = SQLDecimal.scaleUp(a.unscaled, by: scale - a.scale + b.scale) else { throw overflow }
            guard numerator % b.unscaled == 0 else {
                throw SQLEvaluationError.decimalOverflow("\(a) / \(b) is not exact at scale \(scale)")
            }
            return SQLDecimal(unscaled: numerator / b.unscaled, scale: scale, precision: precision)
        default:
            guard !b.isZero else { throw SQLEvaluationError.divisionByZero }
            let scale = max(a.scale, b.scale)
            let precision = min(a.precision - a.scale, b.precision - b.scale) + scale
            guard let x = a.rescaled(to: scale, rounding: .unnecessary), let y = b.rescaled(to: scale, rounding: .unnecessary) else { throw overflow }
            return SQLDecimal(unscaled: x.unscaled % y.unscaled, scale: scale, precision: precision)
        }
    }
}
