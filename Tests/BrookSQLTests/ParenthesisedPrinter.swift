@testable import BrookSQL

/// Prints an expression with every compound node in parentheses, so a test can state the tree a
/// precedence rule must produce as a short string: `a OR b AND c` → `(A OR (B AND C))`.
enum ParenthesisedPrinter {
    static func text(_ expression: SQLExpression) -> String {
        switch expression {
        case .literal, .column, .variable, .timeUnit:
            return SQLFormatter.format(expression)
        case .unary(let negated, let operand):
            return "(" + (negated ? "-" : "+") + text(operand) + ")"
        case .not(let operand):
            return "(NOT " + text(operand) + ")"
        case .binary(let op, let left, let right):
            return "(" + text(left) + " " + op.rawValue + " " + text(right) + ")"
        case .isNull(let operand, let negated):
            return "(" + text(operand) + (negated ? " IS NOT NULL)" : " IS NULL)")
        case .isDistinctFrom(let left, let right, let negated):
            return "(" + text(left) + (negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + text(right) + ")"
        case .between(let operand, let lower, let upper, let negated):
            return "(" + text(operand) + (negated ? " NOT BETWEEN " : " BETWEEN ") + text(lower) + " AND " + text(upper) + ")"
        case .inList(let operand, let list, let negated):
            return "(" + text(operand) + (negated ? " NOT IN [" : " IN [") + list.map(text).joined(separator: ", ") + "])"
        case .like(let operand, let pattern, let escape, let negated):
            return "(" + text(operand) + (negated ? " NOT LIKE " : " LIKE ") + text(pattern)
                + (escape.map { " ESCAPE '\($0)'" } ?? "") + ")"
        case .function(let call):
            return call.name + (call.isStar ? "(*)" : "(" + call.arguments.map(text).joined(separator: ", ") + ")")
        case .lambda(let parameters, let body):
            return "(\\" + parameters.joined(separator: ",") + " => " + text(body) + ")"
        case .cast(let value, let type):
            return "CAST(" + text(value) + " AS " + SQLFormatter.format(type) + ")"
        case .searchedCase(let whens, let otherwise):
            return "CASE" + whens.map { " WHEN " + text($0.condition) + " THEN " + text($0.result) }.joined()
                + (otherwise.map { " ELSE " + text($0) } ?? "") + " END"
        case .simpleCase(let operand, let whens, let otherwise):
            return "CASE " + text(operand) + whens.map { " WHEN " + text($0.condition) + " THEN " + text($0.result) }.joined()
                + (otherwise.map { " ELSE " + text($0) } ?? "") + " END"
        case .subscript(let base, let index):
            return "(" + text(base) + "[" + text(index) + "])"
        case .dereference(let base, let field):
            return "(" + text(base) + "->" + field + ")"
        case .array(let elements):
            return "ARRAY[" + elements.map(text).joined(separator: ", ") + "]"
        case .map(let entries):
            return "MAP(" + entries.map { text($0.key) + ":=" + text($0.value) }.joined(separator: ", ") + ")"
        case .struct(let fields):
            return "STRUCT(" + fields.map { $0.name + ":=" + text($0.value) }.joined(separator: ", ") + ")"
        }
    }
}
