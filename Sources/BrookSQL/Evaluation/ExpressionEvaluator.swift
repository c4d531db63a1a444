/// Evaluates an AST `SQLExpression` against one row, as ksqlDB's interpreter does: nulls propagate,
/// predicates are three-valued, failures throw `SQLEvaluationError` (the caller nulls the column or
/// drops the row, as ksqlDB's processing log does).
public struct ExpressionEvaluator: Sendable {
    public var functions: FunctionRegistry
    public var context: EvaluationContext

    public init(functions: FunctionRegistry = .standard, context: EvaluationContext) {
        self.functions = functions
        self.context = context
    }

    /// `row` resolves a column (nil: no such column). Lambda parameters shadow columns.
    public func evaluate(_ expression: SQLExpression, row: (ColumnReference) -> SQLValue?) throws -> SQLValue {
        try evaluate(expression, row: row, scope: [:])
    }

    /// Evaluates a condition: true only for TRUE (NULL and FALSE both reject, as WHERE does).
    public func isTrue(_ expression: SQLExpression, row: (ColumnReference) -> SQLValue?) throws -> Bool {
        switch try evaluate(expression, row: row) {
        case .boolean(let b): return b
        case .null: return false
        default: throw SQLEvaluationError.typeMismatch("condition is not BOOLEAN")
        }
    }

    func evaluate(_ expression: SQLExpression, row: (ColumnReference) -> SQLValue?, scope: [String: SQLValue]) throws -> SQLValue {
        func eval(_ e: SQLExpression) throws -> SQLValue { try evaluate(e, row: row, scope: scope) }
        switch expression {
        case .literal(let literal):
            return try Self.value(of: literal)
        case .column(let reference):
            if reference.qualifier == nil {
                if let value = scope[reference.name] ?? scope.first(where: { $0.key.uppercased() == reference.name.uppercased() })?.value {
                    return value
                }
            }
            guard let value = row(reference) else {
                throw SQLEvaluationError.unknownColumn(reference.qualifier.map { "\($0).\(reference.name)" } ?? reference.name)
            }
            return value
        case .variable(let name):
            guard let value = context.variables[name] else { throw SQLEvaluationError.unknownVariable(name) }
            return value
        case .unary(let negated, let operand):
            let value = try eval(operand)
            return negated ? try SQLArithmetic.negate(value) : value
        case .not(let operand):
            switch try eval(operand) {
            case .null: return .null
            case .boolean(let b): return .boolean(!b)
            default: throw SQLEvaluationError.typeMismatch("NOT of a non-BOOLEAN")
            }
        case .binary(.and, let l, let r):
            let left = try Self.truth(eval(l))
            if left == false { return .boolean(false) }
            let right = try Self.truth(eval(r))
            if right == false { return .boolean(false) }
            return left == true && right == true ? .boolean(true) : .null
        case .binary(.or, let l, let r):
            let left = try Self.truth(eval(l))
            if left == true { return .boolean(true) }
            let right = try Self.truth(eval(r))
            if right == true { return .boolean(true) }
            return left == false && right == false ? .boolean(false) : .null
        case .binary(let op, let l, let r):
            return try SQLArithmetic.apply(op, try eval(l), try eval(r))
        case .isNull(let operand, let negated):
            return .boolean(try eval(operand).isNull != negated)
        case .isDistinctFrom(let l, let r, let negated):
            return .boolean(SQLValue.deepEquals(try eval(l), try eval(r)) == negated)
        case .between(let operand, let lower, let upper, let negated):
            let value = try eval(operand)
            let low = try SQLArithmetic.apply(.greaterOrEqual, value, try eval(lower))
            let high = try SQLArithmetic.apply(.lessOrEqual, value, try eval(upper))
            let both = Self.and(try Self.truth(low), try Self.truth(high))
            return both.map { .boolean($0 != negated) } ?? .null
        case .inList(let operand, let candidates, let negated):
            // InListEvaluator is two-valued: NULL never matches (so `NULL IN (...)` is FALSE and
            // `x NOT IN (1, NULL)` can be TRUE), and a STRING matches a value it parses to.
            let value = try eval(operand)
            guard !value.isNull else { return .boolean(negated) }
            for candidate in candidates {
                let other = try eval(candidate)
                if !other.isNull, Self.inListMatch(value, other) { return .boolean(!negated) }
            }
            return .boolean(negated)
        case .like(let operand, let patternExpression, let escape, let negated):
            let value = try eval(operand)
            let pattern = try eval(patternExpression)
            guard case .string(let text) = value, case .string(let patternText) = pattern else {
                if value.isNull || pattern.isNull { return .null }
                throw SQLEvaluationError.typeMismatch("LIKE needs strings")
            }
            let matcher = try LikePattern(patternText, escape: escape?.first)
            return .boolean(matcher.matches(text) != negated)
        case .function(let call):
            return try callFunction(call, row: row, scope: scope)
        case .lambda:
            throw SQLEvaluationError.typeMismatch("a lambda is only allowed as a function argument")
        case .timeUnit(let unit):
            return .string(unit.rawValue)
        case .cast(let operand, let type):
            return try SQLCast.cast(try eval(operand), to: type)
        case .searchedCase(let whens, let otherwise):
            for when in whens where try Self.truth(eval(when.condition)) == true {
                return try eval(when.result)
            }
            return try otherwise.map(eval) ?? .null
        case .simpleCase(let operandExpression, let whens, let otherwise):
            let operand = try eval(operandExpression)
            for when in whens where SQLValue.sqlEquals(operand, try eval(when.condition)) == true {
                return try eval(when.result)
            }
            return try otherwise.map(eval) ?? .null
        case .subscript(let baseExpression, let indexExpression):
            return try Self.subscripted(try eval(baseExpression), try eval(indexExpression))
        case .dereference(let baseExpression, let field):
            let base = try eval(baseExpression)
            if base.isNull { return .null }
            guard case .struct = base else { throw SQLEvaluationError.typeMismatch("-> on a non-STRUCT") }
            return base.field(field) ?? .null
        case .array(let items):
            return .array(try items.map(eval))
        case .map(let entries):
            var result: [(key: String, value: SQLValue)] = []
            for entry in entries {
                let key = try eval(entry.key)
                guard !key.isNull else { throw SQLEvaluationError.typeMismatch("MAP key is NULL") }
                let text = try SQLCast.text(of: key)
                let value = try eval(entry.value)
                if let existing = result.firstIndex(where: { $0.key == text }) {
                    result[existing].value = value
                } else {
                    result.append((text, value))
                }
            }
            return .map(result)
        case .struct(let fields):
            return .struct(try fields.map { ($0.name, try eval($0.value)) })
        }
    }

    /// A literal's value: integers that fit 32 bits are INT (ksqlDB types `5` as INTEGER).
    static func value(of literal: Literal) throws -> SQLValue {
        switch literal {
        case .null: return .null
        case .boolean(let b): return .boolean(b)
        case .integer(let i): return Int32(exactly: i).map(SQLValue.int) ?? .bigint(i)
        case .decimal(let text):
            guard let decimal = SQLDecimal(parsing: text) else { throw SQLEvaluationError.decimalOverflow(text) }
            return .decimal(decimal)
        case .double(let text):
            guard let d = Double(text) else { throw SQLEvaluationError.typeMismatch("bad DOUBLE literal \(text)") }
            return .double(d)
        case .string(let s): return .string(s)
        }
    }

    private static func inListMatch(_ value: SQLValue, _ candidate: SQLValue) -> Bool {
        if SQLValue.sqlEquals(value, candidate) == true { return true }
        switch (value, candidate) {
        case (.string, .string): return false
        case (.string(let s), _):
            guard let type = candidate.sqlType, let parsed = try? SQLCast.cast(.string(s), to: type) else { return false }
            return SQLValue.sqlEquals(parsed, candidate) == true
        case (_, .string(let s)):
            guard let type = value.sqlType, let parsed = try? SQLCast.cast(.string(s), to: type) else { return false }
            return SQLValue.sqlEquals(value, parsed) == true
        default: return false
        }
    }

    static func truth(_ value: SQLValue) throws -> Bool? {
        switch value {
        case .null: return nil
        case .boolean(let b): return b
        default: throw SQLEvaluationError.typeMismatch("AND/OR/CASE condition is not BOOLEAN")
        }
    }

    private static func and(_ a: Bool?, _ b: Bool?) -> Bool? {
        if a == false || b == false { return false }
        if a == true && b == true { return true }
        return nil
    }

    /// Arrays by 1-based position (negative counts from the end; out of range is NULL), maps by key.
    static func subscripted(_ base: SQLValue, _ index: SQLValue) throws -> SQLValue {
        if base.isNull || index.isNull { return .null }
        switch base {
        case .array(let items):
            guard let position = index.integerValue else { throw SQLEvaluationError.typeMismatch("array index is not an integer") }
            let zeroBased = position > 0 ? position - 1 : Int64(items.count) + position
            guard position != 0, zeroBased >= 0, zeroBased < Int64(items.count) else { return .null }
            return items[Int(zeroBased)]
        case .map(let entries):
            let key = try SQLCast.text(of: index)
            return entries.first { $0.key == key }?.value ?? .null
        default:
            throw SQLEvaluationError.typeMismatch("subscript of a non-ARRAY/MAP")
        }
    }
}
