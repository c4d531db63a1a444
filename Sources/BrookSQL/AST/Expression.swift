/// A literal value. Decimal and double literals keep their (upper-cased) text, so the value the
/// analyzer derives loses no precision and formatting gives back exactly what was parsed.
public enum Literal: Sendable, Equatable, Hashable {
    case null
    case boolean(Bool)
    case integer(Int64)
    /// `1.50`, `-.5`: ksqlDB's DECIMAL_VALUE, typed DECIMAL by the analyzer.
    case decimal(String)
    /// `1E3`, `2.5e-4`: ksqlDB's FLOATING_POINT_VALUE, typed DOUBLE.
    case double(String)
    case string(String)
}

/// A column reference, optionally qualified by a source name or alias (`o.id`).
public struct ColumnReference: Sendable, Equatable, Hashable {
    public var qualifier: String?
    public var name: String

    public init(qualifier: String? = nil, name: String) {
        self.qualifier = qualifier
        self.name = name
    }
}

/// Binary operators, from OR (loosest) to `*` (tightest); comparisons bind between NOT and `||`.
public enum BinaryOperator: String, Sendable, Equatable, Hashable, CaseIterable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case concat = "||"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"

    var precedence: ExpressionPrecedence {
        switch self {
        case .or: .or
        case .and: .and
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: .predicate
        case .concat: .concat
        case .add, .subtract: .additive
        case .multiply, .divide, .modulo: .multiplicative
        }
    }
}

/// How tightly an expression form binds (ksqlDB's grammar order); the formatter parenthesises by it.
enum ExpressionPrecedence: Int, Comparable {
    case or = 1, and, not, predicate, concat, additive, multiplicative, unary, primary

    static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// `WHEN condition THEN result`.
public struct WhenClause: Sendable, Equatable, Hashable {
    public var condition: Expression
    public var result: Expression

    public init(condition: Expression, result: Expression) {
        self.condition = condition
        self.result = result
    }
}

/// A function call; `COUNT(*)` has `isStar` and no arguments.
public struct FunctionCall: Sendable, Equatable, Hashable {
    public var name: String
    public var arguments: [Expression]
    public var isStar: Bool

    public init(name: String, arguments: [Expression], isStar: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.isStar = isStar
    }
}

/// A value expression or condition.
public indirect enum Expression: Sendable, Equatable, Hashable {
    case literal(Literal)
    case column(ColumnReference)
    /// `${name}` used as a value.
    case variable(String)
    /// Unary minus (`negated: true`) or plus. A minus written right before a number is folded into
    /// the literal instead (`-5` is `.literal(.integer(-5))`).
    case unary(negated: Bool, Expression)
    case not(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case isNull(Expression, negated: Bool)
    case isDistinctFrom(Expression, Expression, negated: Bool)
    case between(Expression, lower: Expression, upper: Expression, negated: Bool)
    case inList(Expression, [Expression], negated: Bool)
    case like(Expression, pattern: Expression, escape: String?, negated: Bool)
    case function(FunctionCall)
    /// `x => body` or `(x, y) => body`, only as a function argument.
    case lambda(parameters: [String], body: Expression)
    /// A time unit as a function argument (`TIMESTAMPADD(SECONDS, 5, ts)`).
    case timeUnit(TimeUnit)
    case cast(Expression, SQLType)
    case searchedCase(whens: [WhenClause], else: Expression?)
    case simpleCase(operand: Expression, whens: [WhenClause], else: Expression?)
    /// `base[index]`: arrays by 1-based position, maps by key.
    case `subscript`(Expression, index: Expression)
    /// `base->field`.
    case dereference(Expression, field: String)
    case array([Expression])
    case map([MapEntry])
    case `struct`([StructFieldValue])

    /// A `key := value` pair of MAP(...).
    public struct MapEntry: Sendable, Equatable, Hashable {
        public var key: Expression
        public var value: Expression

        public init(key: Expression, value: Expression) {
            self.key = key
            self.value = value
        }
    }

    /// A `name := value` pair of STRUCT(...).
    public struct StructFieldValue: Sendable, Equatable, Hashable {
        public var name: String
        public var value: Expression

        public init(name: String, value: Expression) {
            self.name = name
            self.value = value
        }
    }

    var precedence: ExpressionPrecedence {
        switch self {
        case .binary(let op, _, _): op.precedence
        case .not: .not
        case .isNull, .isDistinctFrom, .between, .inList, .like: .predicate
        case .unary: .unary
        case .lambda: .or
        default: .primary
        }
    }
}
