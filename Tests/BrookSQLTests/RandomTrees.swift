@testable import BrookSQL
import BrookTestSupport

/// Random expressions, types and queries of the shapes the parser produces (lambdas and time units
/// only as function arguments, ...), for the format-then-parse property test.
struct RandomTrees {
    var rng: SeededRNG

    static let names = ["A", "B_1", "COL", "TIMESTAMP", "KEY", "DAY", "EMIT", "PARTITION", "ARRAY", "MAP", "STRUCT",
                        "Mixed", "with space", "a`b", "SELECT", "ROWTIME", "WINDOWSTART", "x'y", "_U", "N@1"]
    static let functions = ["COUNT", "SUM", "UCASE", "TRANSFORM", "Mixed", "CAST", "ARRAY", "F_1"]

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func bool() -> Bool { Bool.random(using: &rng) }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
    mutating func name() -> String { pick(Self.names) }
    mutating func maybe<T>(_ make: (inout RandomTrees) -> T) -> T? { bool() ? make(&self) : nil }

    mutating func literal() -> Literal {
        switch int(0...6) {
        case 0: return .null
        case 1: return .boolean(bool())
        case 2: return .integer(Int64.random(in: .min ... .max, using: &rng))
        case 3: return .integer(Int64(int(-5...5)))
        case 4: return .decimal((bool() ? "-" : "") + pick(["1.5", "0.25", "12.", ".5", "100.000"]))
        case 5: return .double((bool() ? "-" : "") + pick(["1E3", "2.5E-4", "1.E+2", ".5E1"]))
        default: return .string(pick(["", "a", "it's", "x\ny", "--not a comment", "/*no*/", "%_"]))
        }
    }

    mutating func type(depth: Int = 3) -> SQLType {
        let leaf: [SQLType] = [.boolean, .integer, .bigint, .double, .string, .bytes, .date, .time, .timestamp,
                               .decimal(precision: int(1...38), scale: int(0...10)), .custom(name())]
        if depth == 0 || int(0...2) > 0 { return pick(leaf) }
        switch int(0...2) {
        case 0: return .array(type(depth: depth - 1))
        case 1: return .map(key: type(depth: depth - 1), value: type(depth: depth - 1))
        default: return .struct((0..<int(0...3)).map { _ in SQLType.StructField(name: name(), type: type(depth: depth - 1)) })
        }
    }

    mutating func expressions(_ range: ClosedRange<Int>, depth: Int) -> [SQLExpression] {
        (0..<int(range)).map { _ in expression(depth: depth) }
    }

    mutating func whens(depth: Int) -> [WhenClause] {
        (0..<int(1...3)).map { _ in WhenClause(condition: expression(depth: depth), result: expression(depth: depth)) }
    }

    mutating func expression(depth: Int) -> SQLExpression {
        if depth == 0 || int(0...4) == 0 {
            switch int(0...2) {
            case 0: return .literal(literal())
            case 1: return .column(ColumnReference(qualifier: maybe { $0.name() }, name: name()))
            default: return bool() ? .column(ColumnReference(name: name())) : .variable(pick(["v", "Format"]))
            }
        }
        let d = depth - 1
        switch int(0...20) {
        case 0: return .unary(negated: bool(), expression(depth: d))
        case 1: return .not(expression(depth: d))
        case 2, 3, 4: return .binary(pick(BinaryOperator.allCases), expression(depth: d), expression(depth: d))
        case 5: return .isNull(expression(depth: d), negated: bool())
        case 6: return .isDistinctFrom(expression(depth: d), expression(depth: d), negated: bool())
        case 7: return .between(expression(depth: d), lower: expression(depth: d), upper: expression(depth: d), negated: bool())
        case 8: return .inList(expression(depth: d), expressions(1...3, depth: d), negated: bool())
        case 9: return .like(expression(depth: d), pattern: expression(depth: d), escape: maybe { $0.pick(["\\", "'"]) }, negated: bool())
        case 10: return .function(functionCall(depth: d))
        case 11: return .cast(expression(depth: d), type())
        case 12: return .searchedCase(whens: whens(depth: d), else: maybe { $0.expression(depth: d) })
        case 13: return .simpleCase(operand: expression(depth: d), whens: whens(depth: d), else: maybe { $0.expression(depth: d) })
        case 14: return .subscript(expression(depth: d), index: expression(depth: d))
        case 15: return .dereference(expression(depth: d), field: name())
        case 16: return .array(expressions(0...3, depth: d))
        case 17: return .map((0..<int(0...3)).map { _ in SQLExpression.MapEntry(key: expression(depth: d), value: expression(depth: d)) })
        case 18: return .struct((0..<int(0...3)).map { _ in SQLExpression.StructFieldValue(name: name(), value: expression(depth: d)) })
        default: return .literal(literal())
        }
    }

    mutating func functionCall(depth: Int) -> FunctionCall {
        let name = pick(Self.functions)
        if int(0...5) == 0 { return FunctionCall(name: name, arguments: [], isStar: true) }
        let arguments: [SQLExpression] = (0..<int(0...3)).map { _ in
            switch int(0...5) {
            case 0: .lambda(parameters: (0..<int(1...3)).map { _ in self.name() }, body: expression(depth: depth))
            case 1: .timeUnit(pick([.millisecond, .milliseconds, .seconds, .minutes, .hours, .days]))
            default: expression(depth: depth)
            }
        }
        return FunctionCall(name: name, arguments: arguments)
    }

    mutating func duration() -> SQLDuration { SQLDuration(amount: Int64(int(0...1000)), unit: pick(TimeUnit.allCases))! }

    mutating func source() -> AliasedSource { AliasedSource(name: name(), alias: maybe { $0.name() }) }

    mutating func query() -> Query {
        let select: [SelectItem] = (0..<int(1...4)).map { _ in
            switch int(0...4) {
            case 0: .all
            case 1: .allOf(source: name())
            case 2: .structAll(expression(depth: 1))
            default: .expression(expression(depth: 3), alias: maybe { $0.name() })
            }
        }
        let joins: [Join] = (0..<int(0...2)).map { _ in
            Join(type: pick(JoinType.allCases), source: source(),
                 within: maybe { $0.bool() ? JoinWindow(before: $0.duration(), grace: $0.maybe { $0.duration() })
                                           : JoinWindow(before: $0.duration(), after: $0.duration(), grace: $0.maybe { $0.duration() }) },
                 condition: expression(depth: 2))
        }
        let window: WindowExpression? = maybe {
            let kind: WindowExpression.Kind = switch $0.int(0...2) {
            case 0: .tumbling(size: $0.duration())
            case 1: .hopping(size: $0.duration(), advance: $0.duration())
            default: .session(gap: $0.duration())
            }
            return WindowExpression(kind: kind, retention: $0.maybe { $0.duration() }, grace: $0.maybe { $0.duration() })
        }
        return Query(select: select, from: FromClause(source: source(), joins: joins), window: window,
                     whereClause: maybe { $0.expression(depth: 3) },
                     groupBy: maybe { $0.expressions(0...3, depth: 2) }, partitionBy: maybe { $0.expressions(1...2, depth: 2) },
                     having: maybe { $0.expression(depth: 2) }, emit: maybe { $0.pick([.changes, .final]) },
                     limit: maybe { $0.int(0...1000) })
    }
}
