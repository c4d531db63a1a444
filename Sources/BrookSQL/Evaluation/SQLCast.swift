/// CAST between the type pairs ksqlDB allows (CastEvaluator): numbers ↔ numbers and strings,
/// BOOLEAN ↔ STRING, DATE/TIME/TIMESTAMP ↔ STRING and among each other, collections element-wise.
public enum SQLCast {
    public static func cast(_ value: SQLValue, to type: SQLType) throws -> SQLValue {
        if value.isNull { return .null }
        let failed = SQLEvaluationError.invalidCast("cannot cast \(SQLArithmetic.typeName(value)) to \(SQLFormatter.format(type))")
        switch type {
        case .string:
            return .string(try text(of: value))
        case .boolean:
            switch value {
            case .boolean: return value
            case .string(let s):
                // SqlBooleans.parseBoolean: true/false/yes/no/t/f/y/n, any case.
                switch s.trimmingSQLWhitespace().lowercased() {
                case "true", "yes", "t", "y": return .boolean(true)
                case "false", "no", "f", "n": return .boolean(false)
                default: throw SQLEvaluationError.invalidCast("'\(s)' is not a BOOLEAN")
                }
            default: throw failed
            }
        case .integer:
            return .int(Int32(truncatingIfNeeded: try integral(value, bits: 32, failed)))
        case .bigint:
            return .bigint(try integral(value, bits: 64, failed))
        case .double:
            switch value {
            case .string(let s):
                guard let d = Double(s.trimmingSQLWhitespace()) else { throw SQLEvaluationError.invalidCast("'\(s)' is not a DOUBLE") }
                return .double(d)
            default:
                guard let d = value.numericDouble else { throw failed }
                return .double(d)
            }
        case .decimal(let precision, let scale):
            let source: SQLDecimal
            switch value {
            case .string(let s):
                guard let parsed = SQLDecimal(parsing: s) else { throw SQLEvaluationError.invalidCast("'\(s)' is not a DECIMAL") }
                source = parsed
            case .double(let d):
                guard d.isFinite, let parsed = SQLDecimal(parsing: javaText(d)) else { throw failed }
                source = parsed
            default:
                guard let d = value.asDecimal else { throw failed }
                source = d
            }
            return .decimal(try fit(source, precision: precision, scale: scale))
        case .bytes:
            guard case .bytes = value else { throw failed }
            return value
        case .date:
            switch value {
            case .date: return value
            case .timestamp(let ms): return .date(Int32(truncatingIfNeeded: floorDivide(ms, 86_400_000)))
            case .string(let s):
                guard let days = SQLTimeText.parseDate(s) else { throw SQLEvaluationError.invalidCast("'\(s)' is not a DATE (yyyy-MM-dd)") }
                return .date(days)
            default: throw failed
            }
        case .time:
            switch value {
            case .time: return value
            case .timestamp(let ms): return .time(Int32(ms - floorDivide(ms, 86_400_000) * 86_400_000))
            case .string(let s):
                guard let ms = SQLTimeText.parseTime(s) else { throw SQLEvaluationError.invalidCast("'\(s)' is not a TIME (HH:mm:ss)") }
                return .time(ms)
            default: throw failed
            }
        case .timestamp:
            switch value {
            case .timestamp: return value
            case .date(let days): return .timestamp(Int64(days) * 86_400_000)
            case .string(let s):
                guard let ms = SQLTimeText.parseTimestamp(s) else { throw SQLEvaluationError.invalidCast("'\(s)' is not a TIMESTAMP (ISO 8601)") }
                return .timestamp(ms)
            default: throw failed
            }
        case .array(let element):
            guard case .array(let items) = value else { throw failed }
            return .array(try items.map { try cast($0, to: element) })
        case .map(_, let valueType):
            guard case .map(let entries) = value else { throw failed }
            return .map(try entries.map { ($0.key, try cast($0.value, to: valueType)) })
        case .struct(let fields):
            guard case .struct = value else { throw failed }
            return .struct(try fields.map { ($0.name, try cast(value.field($0.name) ?? .null, to: $0.type)) })
        case .custom(let name):
            throw SQLEvaluationError.invalidCast("unresolved type \(name)")
        }
    }

    /// Java's narrowing: doubles truncate and saturate (NaN is 0), decimals truncate, strings parse.
    private static func integral(_ value: SQLValue, bits: Int, _ failed: SQLEvaluationError) throws -> Int64 {
        switch value {
        case .int(let v): return Int64(v)
        case .bigint(let v): return v
        case .double(let d):
            if d.isNaN { return 0 }
            if bits == 32 { return Int64(d >= 2_147_483_647 ? Int32.max : d <= -2_147_483_648 ? Int32.min : Int32(d)) }
            return d >= 9.223372036854775807e18 ? Int64.max : d <= -9.223372036854775808e18 ? Int64.min : Int64(d)
        case .decimal(let d):
            return d.rescaled(to: 0, rounding: d.unscaled < 0 ? .ceiling : .floor)?.unscaled ?? 0
        case .string(let s):
            let trimmed = s.trimmingSQLWhitespace()
            if bits == 32, let v = Int32(trimmed) { return Int64(v) }
            if bits == 64, let v = Int64(trimmed) { return v }
            throw SQLEvaluationError.invalidCast("'\(s)' is not an \(bits == 32 ? "INT" : "BIGINT")")
        default:
            throw failed
        }
    }

    /// DecimalUtil.cast: HALF_UP to the scale, overflow when |value| ≥ 10^(precision − scale).
    static func fit(_ value: SQLDecimal, precision: Int, scale: Int) throws -> SQLDecimal {
        guard var result = value.rescaled(to: scale, rounding: .halfUp), result.fits(precision: precision, scale: scale) else {
            throw SQLEvaluationError.decimalOverflow("\(value) does not fit DECIMAL(\(precision), \(scale))")
        }
        result.precision = precision
        return result
    }

    /// The STRING form of a value (CAST(x AS STRING)); collections in Java's toString layout.
    public static func text(of value: SQLValue) throws -> String {
        switch value {
        case .null: return "null"
        case .boolean(let b): return b ? "true" : "false"
        case .int(let v): return String(v)
        case .bigint(let v): return String(v)
        case .double(let d): return SQLValue.javaText(d)
        case .decimal(let d): return d.description
        case .string(let s): return s
        case .bytes: throw SQLEvaluationError.invalidCast("cannot cast BYTES to STRING (use FROM_BYTES)")
        case .date(let days): return SQLValue.dateText(days)
        case .time(let ms): return SQLValue.timeText(ms)
        case .timestamp(let ms): return SQLValue.timestampText(ms)
        case .array(let items): return "[" + (try items.map(text(of:))).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + (try entries.map { "\($0.key)=\(try text(of: $0.value))" }).joined(separator: ", ") + "}"
        case .struct(let fields): return "Struct{" + (try fields.filter { !$0.value.isNull }.map { "\($0.name)=\(try text(of: $0.value))" }).joined(separator: ",") + "}"
        }
    }

    private static func javaText(_ d: Double) -> String { SQLValue.javaText(d) }
}
