#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// ksqlDB's math UDFs (function/udf/math).
enum MathFunctions {
    private static let numeric: [TypePattern] = [.int, .bigint, .double, .decimal("D")]

    static let all: [ScalarFunction] = [
        ScalarFunction("ABS", numeric.map { FunctionSignature([$0], returns: $0) }) { args, _ in
            switch args.first {
            case .int(let v)?: return .int(v < 0 ? 0 &- v : v) // Math.abs(Integer.MIN_VALUE) stays negative
            case .bigint(let v)?: return .bigint(v < 0 ? 0 &- v : v)
            case .double(let v)?: return .double(v.magnitude)
            case .decimal(var d)?: d.unscaled = d.unscaled < 0 ? 0 &- d.unscaled : d.unscaled; return .decimal(d)
            default: throw Arg.bad("ABS", "expects a number")
            }
        },
        ScalarFunction("ROUND", [
            FunctionSignature([.int], returns: .int), FunctionSignature([.bigint], returns: .bigint),
            FunctionSignature([.double], returns: .bigint), FunctionSignature([.double, .int], returns: .double),
            FunctionSignature([.decimal("D")], returns: .decimal("D")), FunctionSignature([.decimal("D"), .int], returns: .decimal("D")),
        ]) { args, _ in try round(args) },
        ScalarFunction("CEIL", numeric.map { FunctionSignature([$0], returns: $0) }) { args, _ in try roundToInteger(args, "CEIL", .ceiling) { $0.rounded(.up) } },
        ScalarFunction("FLOOR", numeric.map { FunctionSignature([$0], returns: $0) }) { args, _ in try roundToInteger(args, "FLOOR", .floor) { $0.rounded(.down) } },
        doubleFunction("SQRT") { $0.squareRoot() },
        doubleFunction("EXP") { exp($0) },
        doubleFunction("LN") { log($0) },
        ScalarFunction("POWER", [FunctionSignature([.double, .double], returns: .double)]) { args, _ in
            .double(pow(try Arg.double(args, 0, "POWER"), try Arg.double(args, 1, "POWER")))
        },
        ScalarFunction("RANDOM", [FunctionSignature([], returns: .double)]) { _, context in
            .double(context.random())
        },
        ScalarFunction("GREATEST", [FunctionSignature([.variable("T")], variadic: true, returns: .variable("T"))], nullOnNullInput: false) { args, _ in
            try extreme(args, "GREATEST") { $0 > 0 }
        },
        ScalarFunction("LEAST", [FunctionSignature([.variable("T")], variadic: true, returns: .variable("T"))], nullOnNullInput: false) { args, _ in
            try extreme(args, "LEAST") { $0 < 0 }
        },
    ]

    private static func doubleFunction(_ name: String, _ f: @escaping @Sendable (Double) -> Double) -> ScalarFunction {
        ScalarFunction(name, [FunctionSignature([.double], returns: .double)]) { args, _ in
            .double(f(try Arg.double(args, 0, name)))
        }
    }

    /// ROUND as ksqlDB: Math.round for doubles (ties towards +∞), HALF_UP above zero and HALF_DOWN
    /// below for decimals; with digits a decimal keeps its scale (ksql issue 6235).
    private static func round(_ args: [SQLValue]) throws -> SQLValue {
        try Arg.arity(args, 1...2, "ROUND")
        let digits = args.count > 1 ? try Arg.int32(args, 1, "ROUND") : nil
        switch args[0] {
        case .int, .bigint:
            return args[0]
        case .double(let v):
            guard let digits else {
                guard v.isFinite else { return .bigint(v.isNaN ? 0 : (v > 0 ? .max : .min)) }
                let r = (v + 0.5).rounded(.down)
                return .bigint(r >= 9.2e18 ? .max : r <= -9.2e18 ? .min : Int64(r))
            }
            guard v.isFinite, let d = SQLDecimal(parsing: SQLValue.javaText(v)),
                  let r = d.rescaled(to: digits, rounding: v > 0 ? .halfUp : .halfDown) else { return .double(v) }
            return .double(r.doubleValue)
        case .decimal(let d):
            let rounding: SQLDecimal.Rounding = d.unscaled > 0 ? .halfUp : .halfDown
            guard var r = d.rescaled(to: digits ?? 0, rounding: rounding) else {
                throw SQLEvaluationError.decimalOverflow("ROUND(\(d))")
            }
            if digits == nil {
                r.precision = max(1, d.precision - d.scale)
                return .decimal(r)
            }
            guard var kept = r.rescaled(to: d.scale, rounding: .unnecessary) else { throw SQLEvaluationError.decimalOverflow("ROUND(\(d))") }
            kept.precision = d.precision
            return .decimal(kept)
        default:
            throw Arg.bad("ROUND", "expects a number")
        }
    }

    private static func roundToInteger(_ args: [SQLValue], _ name: String, _ rounding: SQLDecimal.Rounding, _ f: (Double) -> Double) throws -> SQLValue {
        switch args.first {
        case .int?, .bigint?: return args[0]
        case .double(let v)?: return .double(f(v))
        case .decimal(let d)?:
            guard var r = d.rescaled(to: 0, rounding: rounding) else { throw SQLEvaluationError.decimalOverflow("\(name)(\(d))") }
            r.precision = max(1, d.precision - d.scale + 1)
            return .decimal(r)
        default: throw Arg.bad(name, "expects a number")
        }
    }

    /// GREATEST/LEAST ignore NULLs (NULL when all are); mixed numbers widen to the widest kind.
    private static func extreme(_ args: [SQLValue], _ name: String, _ better: (Int) -> Bool) throws -> SQLValue {
        var best: SQLValue?
        for value in args where !value.isNull {
            guard let current = best else { best = value; continue }
            guard let order = SQLValue.compare(value, current) else { throw Arg.bad(name, "arguments are not comparable") }
            if better(order) { best = value }
        }
        guard let best else { return .null }
        let kinds = args.filter { !$0.isNull }
        if kinds.contains(where: { if case .double = $0 { true } else { false } }), let d = best.numericDouble { return .double(d) }
        if kinds.contains(where: { if case .decimal = $0 { true } else { false } }), let d = best.asDecimal { return .decimal(d) }
        if kinds.contains(where: { if case .bigint = $0 { true } else { false } }), let i = best.integerValue { return .bigint(i) }
        return best
    }
}
