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
    public var condition: SQLExpression
    public var result: SQLExpression

    public init(condition: SQLExpression, result: SQLExpression) {
        self.condition = condition
        self.result = result
    }
}

/// A function call; `COUNT(*)` has `isStar` and no arguments.
public struct FunctionCall: Sendable, Equatable, Hashable {
    public var name: String
    public var arguments: [SQLExpression]
    public var isStar: Bool

    public init(name: String, arguments: [SQLExpression], isStar: Bool = false) {
        self.name = name
        self.arguments = arguments
        self.isStar = isStar
    }
}

/// A value expression or condition.
public indirect enum SQLExpression: Sendable, Equatable, Hashable {
    case literal(Literal)
    case column(ColumnReference)
    /// `${name}` used as a value.
    case variable(String)
    /// Unary minus (`negated: true`) or plus. A minus written right before a number is folded into
    /// the literal instead (`-5` is `.literal(.integer(-5))`).
    case unary(negated: Bool, SQLExpression)
    case not(SQLExpression)
    case binary(BinaryOperator, SQLExpression, SQLExpression)
    case isNull(SQLExpression, negated: Bool)
    case isDistinctFrom(SQLExpression, SQLExpression, negated: Bool)
    case between(SQLExpression, lower: SQLExpression, upper: SQLExpression, negated: Bool)
    case inList(SQLExpression, [SQLExpression], negated: Bool)
    case like(SQLExpression, pattern: SQLExpression, escape: String?, negated: Bool)
    case function(FunctionCall)
    /// `x => body` or `(x, y) => body`, only as a function argument.
    case lambda(parameters: [String], body: SQLExpression)
    /// A time unit as a function argument (`TIMESTAMPADD(SECONDS, 5, ts)`).
    case timeUnit(TimeUnit)
    case cast(SQLExpression, SQLType)
    case searchedCase(whens: [WhenClause], else: SQLExpression?)
    case simpleCase(operand: SQLExpression, whens: [WhenClause], else: SQLExpression?)
    /// `base[index]`: arrays by 1-based position, maps by key.
    case `subscript`(SQLExpression, index: SQLExpression)
    /// `base->field`.
    case dereference(SQLExpression, field: String)
    case array([SQLExpression])
    case map([MapEntry])
    case `struct`([StructFieldValue])

    /// A `key := value` pair of MAP(...).
    public struct MapEntry: Sendable, Equatable, Hashable {
        public var key: SQLExpression
        public var value: SQLExpression

        public init(key: SQLExpression, value: SQLExpression) {
            self.key = key
            self.value = value
        }
    }

    /// A `name := value` pair of STRUCT(...).
    public struct StructFieldValue: Sendable, Equatable, Hashable {
        public var name: String
        public var value: SQLExpression

        public init(name: String, value: SQLExpression) {
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
