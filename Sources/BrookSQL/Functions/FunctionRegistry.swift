/// A scalar function: its overloads for the analyzer and its implementation over values.
public struct ScalarFunction: Sendable {
    public typealias Implementation = @Sendable ([SQLValue], EvaluationContext) throws -> SQLValue

    public var name: String
    public var signatures: [FunctionSignature]
    /// Returns NULL without calling `implementation` when any argument is NULL (most of ksqlDB's UDFs).
    public var nullOnNullInput: Bool
    public var implementation: Implementation

    public init(_ name: String, _ signatures: [FunctionSignature], nullOnNullInput: Bool = true, _ implementation: @escaping Implementation) {
        self.name = name
        self.signatures = signatures
        self.nullOnNullInput = nullOnNullInput
        self.implementation = implementation
    }

    /// The return type of the overload accepting these argument types with the fewest implicit
    /// widenings (the first such overload on a tie), as ksqlDB's UdfIndex prefers exact matches.
    public func returnType(for arguments: [SQLType?]) -> SQLType? {
        signatures.compactMap { $0.resolve(arguments) }.min { $0.widenings < $1.widenings }?.type
    }
}

/// The scalar functions by upper-case name. `standard` holds ksqlDB's built-ins this target covers;
/// TRANSFORM/FILTER/REDUCE are registered for their signatures and evaluated by the evaluator.
public struct FunctionRegistry: Sendable {
    public private(set) var scalars: [String: ScalarFunction] = [:]

    public init(_ functions: [ScalarFunction] = []) {
        for function in functions { register(function) }
    }

    public mutating func register(_ function: ScalarFunction) {
        scalars[function.name.uppercased()] = function
    }

    public func scalar(named name: String) -> ScalarFunction? { scalars[name.uppercased()] }

    /// Whether `name` is an aggregate (for the analyzer's GROUP BY checks).
    public static func isAggregate(_ name: String) -> Bool { AggregateKind(name: name.uppercased()) != nil }

    public static let standard = FunctionRegistry(
        NullFunctions.all + StringFunctions.all + MathFunctions.all + TimeFunctions.all
            + CollectionFunctions.all + JSONFunctions.all + LambdaFunctions.all
    )
}

/// Helpers shared by function implementations.
enum Arg {
    static func string(_ args: [SQLValue], _ i: Int, _ f: String) throws -> String {
        guard i < args.count, case .string(let s) = args[i] else { throw bad(f, "argument \(i + 1) must be STRING") }
        return s
    }

    static func integer(_ args: [SQLValue], _ i: Int, _ f: String) throws -> Int64 {
        guard i < args.count, let v = args[i].integerValue else { throw bad(f, "argument \(i + 1) must be INT or BIGINT") }
        return v
    }

    /// An INT-typed parameter (ksqlDB's Integer), clamped to 32 bits so position arithmetic
    /// cannot overflow.
    static func int32(_ args: [SQLValue], _ i: Int, _ f: String) throws -> Int {
        Int(max(Int64(Int32.min), min(Int64(Int32.max), try integer(args, i, f))))
    }

    static func double(_ args: [SQLValue], _ i: Int, _ f: String) throws -> Double {
        guard i < args.count, let v = args[i].numericDouble else { throw bad(f, "argument \(i + 1) must be numeric") }
        return v
    }

    static func array(_ args: [SQLValue], _ i: Int, _ f: String) throws -> [SQLValue] {
        guard i < args.count, case .array(let items) = args[i] else { throw bad(f, "argument \(i + 1) must be ARRAY") }
        return items
    }

    static func map(_ args: [SQLValue], _ i: Int, _ f: String) throws -> [(key: String, value: SQLValue)] {
        guard i < args.count, case .map(let entries) = args[i] else { throw bad(f, "argument \(i + 1) must be MAP") }
        return entries
    }

    static func timestamp(_ args: [SQLValue], _ i: Int, _ f: String) throws -> Int64 {
        guard i < args.count, case .timestamp(let v) = args[i] else { throw bad(f, "argument \(i + 1) must be TIMESTAMP") }
        return v
    }

    static func bad(_ f: String, _ reason: String) -> SQLEvaluationError {
        .invalidArguments(function: f, reason: reason)
    }

    static func arity(_ args: [SQLValue], _ range: ClosedRange<Int>, _ f: String) throws {
        guard range.contains(args.count) else { throw bad(f, "takes \(range.lowerBound)...\(range.upperBound) arguments, got \(args.count)") }
    }
}
