extension SQLFormatter {
    /// An expression where any form may stand (a WHERE condition, a function argument, ...).
    public static func format(_ expression: SQLExpression) -> String { format(expression, context: .or) }

    /// `expression`, parenthesised when it binds more loosely than its place (`context`) requires.
    static func format(_ expression: SQLExpression, context: ExpressionPrecedence) -> String {
        let text = formatUnparenthesised(expression)
        return needsParentheses(expression, in: context) ? "(" + text + ")" : text
    }

    private static func needsParentheses(_ expression: SQLExpression, in context: ExpressionPrecedence) -> Bool {
        if case .literal(let literal) = expression, isNegativeNumber(literal) { return context > .unary }
        return expression.precedence < context
    }

    private static func isNegativeNumber(_ literal: Literal) -> Bool {
        switch literal {
        case .integer(let value): value < 0
        case .decimal(let text), .double(let text): text.hasPrefix("-")
        default: false
        }
    }

    static func format(literal: Literal) -> String {
        switch literal {
        case .null: "NULL"
        case .boolean(let value): value ? "TRUE" : "FALSE"
        case .integer(let value): String(value)
        case .decimal(let text), .double(let text): text
        case .string(let value): string(value)
        }
    }

    private static func formatUnparenthesised(_ expression: SQLExpression) -> String {
        switch expression {
        case .literal(let literal):
            return format(literal: literal)
        case .column(let column):
            return (column.qualifier.map { identifier($0) + "." } ?? "") + identifier(column.name)
        case .variable(let name):
            return "${" + name + "}"
        case .unary(let negated, let operand):
            // A sign before a number or another sign is parenthesised: `-5` would read back as a
            // negative literal, and `--` starts a comment.
            let operandText = format(operand, context: .unary)
            let needsGroup: Bool = switch operand {
            case .unary: true
            case .literal(.integer), .literal(.decimal), .literal(.double): true
            default: false
            }
            let wrapped = needsGroup && !operandText.hasPrefix("(") ? "(" + operandText + ")" : operandText
            return (negated ? "-" : "+") + wrapped
        case .not(let operand):
            return "NOT " + format(operand, context: .not)
        case .binary(let op, let left, let right):
            let level = op.precedence
            if level == .predicate {
                return format(left, context: .concat) + " " + op.rawValue + " " + format(right, context: .concat)
            }
            return formatChain(op, left, right)
        case .isNull(let operand, let negated):
            return format(operand, context: .concat) + (negated ? " IS NOT NULL" : " IS NULL")
        case .isDistinctFrom(let left, let right, let negated):
            return format(left, context: .concat) + (negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ")
                + format(right, context: .concat)
        case .between(let operand, let lower, let upper, let negated):
            return format(operand, context: .concat) + (negated ? " NOT BETWEEN " : " BETWEEN ")
                + format(lower, context: .concat) + " AND " + format(upper, context: .concat)
        case .inList(let operand, let list, let negated):
            return format(operand, context: .concat) + (negated ? " NOT IN (" : " IN (")
                + list.map { format($0) }.joined(separator: ", ") + ")"
        case .like(let operand, let pattern, let escape, let negated):
            return format(operand, context: .concat) + (negated ? " NOT LIKE " : " LIKE ")
                + format(pattern, context: .concat) + (escape.map { " ESCAPE " + string($0) } ?? "")
        case .function(let call):
            if call.isStar { return identifier(call.name) + "(*)" }
            return identifier(call.name) + "(" + call.arguments.map { format($0) }.joined(separator: ", ") + ")"
        case .lambda(let parameters, let body):
            let head = parameters.count == 1 ? identifier(parameters[0])
                : "(" + parameters.map(identifier).joined(separator: ", ") + ")"
            return head + " => " + format(body)
        case .timeUnit(let unit):
            return unit.rawValue
        case .cast(let value, let type):
            return "CAST(" + format(value) + " AS " + format(type) + ")"
        case .searchedCase(let whens, let otherwise):
            return "CASE" + format(whens: whens, else: otherwise)
        case .simpleCase(let operand, let whens, let otherwise):
            return "CASE " + format(operand, context: .concat) + format(whens: whens, else: otherwise)
        case .subscript(let base, let index):
            return format(base, context: .primary) + "[" + format(index, context: .concat) + "]"
        case .dereference:
            // Walk the chain `a->b->c` without recursing: chains may be as long as the parser allows.
            var fields: [String] = []
            var base = expression
            while case .dereference(let inner, let field) = base {
                fields.append(field)
                base = inner
            }
            return format(base, context: .primary) + fields.reversed().map { "->" + identifier($0) }.joined()
        case .array(let elements):
            return "ARRAY[" + elements.map { format($0) }.joined(separator: ", ") + "]"
        case .map(let entries):
            return "MAP(" + entries.map { format($0.key) + " := " + format($0.value) }.joined(separator: ", ") + ")"
        case .struct(let fields):
            return "STRUCT(" + fields.map { identifier($0.name) + " := " + format($0.value) }.joined(separator: ", ") + ")"
        }
    }

    /// A left-associative chain of operators of one precedence level (`a - b - c`), walked down its
    /// left spine without recursing, since chains may be as long as the parser allows.
    private static func formatChain(_ op: BinaryOperator, _ left: SQLExpression, _ right: SQLExpression) -> String {
        let level = op.precedence
        let rightContext = ExpressionPrecedence(rawValue: level.rawValue + 1)!
        var links = [(op, right)]
        var head = left
        while case .binary(let innerOp, let innerLeft, let innerRight) = head, innerOp.precedence == level {
            links.append((innerOp, innerRight))
            head = innerLeft
        }
        var text = format(head, context: level)
        for (linkOp, operand) in links.reversed() {
            text += " " + linkOp.rawValue + " " + format(operand, context: rightContext)
        }
        return text
    }

    private static func format(whens: [WhenClause], else otherwise: SQLExpression?) -> String {
        var text = ""
        for when in whens { text += " WHEN " + format(when.condition) + " THEN " + format(when.result) }
        if let otherwise { text += " ELSE " + format(otherwise) }
        return text + " END"
    }
}

extension Statement: CustomStringConvertible {
    /// The statement in canonical form (`SQLFormatter`), without a final `;`.
    public var description: String { SQLFormatter.format(self) }
}

extension SQLExpression: CustomStringConvertible {
    public var description: String { SQLFormatter.format(self) }
}

extension SQLType: CustomStringConvertible {
    public var description: String { SQLFormatter.format(self) }
}
