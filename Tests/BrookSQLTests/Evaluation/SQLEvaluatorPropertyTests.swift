import BrookSQL
import XCTest

/// Random expressions over random rows: evaluation gives a value or throws SQLEvaluationError,
/// never crashes (no traps on overflow, bad indices or odd types).
final class SQLEvaluatorPropertyTests: XCTestCase {
    private struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private let literals: [Literal] = [
        .null, .boolean(true), .boolean(false), .integer(0), .integer(-1), .integer(2_147_483_647), .integer(.min), .integer(.max),
        .decimal("1.50"), .decimal("-0.001"), .decimal("999999999.99"), .double("1E308"), .double("-0.0"), .string(""), .string("a%_b"), .string("2024-01-01"),
        .string("yyyy-MM-dd"), .string("{\"a\": [1]}"), .string("$.a[0]"), .string("(a|b)*"), .string("+05:30"), .string("SECONDS"), .decimal("0.000000001"),
    ]
    private let functions = ["ABS", "ROUND", "CEIL", "LEN", "SUBSTRING", "LPAD", "CONCAT", "COALESCE", "ARRAY_MAX", "ARRAY_SORT",
                             "SPLIT", "INSTR", "MASK_LEFT", "TO_JSON_STRING", "GREATEST", "SLICE", "SQRT", "FROM_UNIXTIME", "REPLACE", "AS_MAP",
                             "RPAD", "MASK_KEEP_RIGHT", "TIMESTAMPTOSTRING", "FORMAT_TIMESTAMP", "PARSE_DATE", "EXTRACTJSONFIELD", "JSON_RECORDS",
                             "REGEXP_REPLACE", "REGEXP_EXTRACT", "TIMESTAMPADD", "CONVERT_TZ", "ARRAY_JOIN", "ARRAY_REMOVE", "NULLIF", "LEAST", "POWER"]
    private let types: [SQLType] = [.integer, .bigint, .double, .decimal(precision: 4, scale: 2), .string, .boolean, .timestamp, .date, .array(.string)]

    private func expression(_ depth: Int, _ g: inout SplitMix) -> BrookSQL.SQLExpression {
        if depth == 0 || Int.random(in: 0..<4, using: &g) == 0 {
            return Int.random(in: 0..<3, using: &g) == 0 ? .column(ColumnReference(name: ["A", "B", "C"].randomElement(using: &g)!)) : .literal(literals.randomElement(using: &g)!)
        }
        let e = { (g: inout SplitMix) in self.expression(depth - 1, &g) }
        switch Int.random(in: 0..<16, using: &g) {
        case 12: return .isDistinctFrom(e(&g), e(&g), negated: Bool.random(using: &g))
        case 13: return .simpleCase(operand: e(&g), whens: [WhenClause(condition: e(&g), result: e(&g))], else: nil)
        case 14: return .map([SQLExpression.MapEntry(key: e(&g), value: e(&g))])
        case 15: return .dereference(.struct([SQLExpression.StructFieldValue(name: "F", value: e(&g))]), field: "F")
        case 0: return .binary(BinaryOperator.allCases.randomElement(using: &g)!, e(&g), e(&g))
        case 1: return .not(e(&g))
        case 2: return .unary(negated: true, e(&g))
        case 3: return .cast(e(&g), types.randomElement(using: &g)!)
        case 4: return .function(FunctionCall(name: functions.randomElement(using: &g)!, arguments: (0..<Int.random(in: 0...3, using: &g)).map { _ in e(&g) }))
        case 5: return .subscript(e(&g), index: e(&g))
        case 6: return .array([e(&g), e(&g)])
        case 7: return .inList(e(&g), [e(&g), e(&g)], negated: false)
        case 8: return .between(e(&g), lower: e(&g), upper: e(&g), negated: true)
        case 9: return .like(e(&g), pattern: e(&g), escape: nil, negated: false)
        case 10: return .searchedCase(whens: [WhenClause(condition: e(&g), result: e(&g))], else: e(&g))
        default: return .function(FunctionCall(name: "TRANSFORM", arguments: [e(&g), .lambda(parameters: ["X"], body: .binary(.multiply, .column(ColumnReference(name: "X")), e(&g)))]))
        }
    }

    func testRandomExpressionsNeverCrash() {
        var g = SplitMix(state: 15)
        let rowValues: [SQLValue] = [.null, .int(.min), .bigint(.max), .double(.nan), .string("x"), .array([.int(1), .null]), .map([("k", .int(1))]), .decimal(SQLDecimal(unscaled: .max, scale: 2, precision: 19))]
        let evaluator = ExpressionEvaluator(context: EvaluationContext(now: 0))
        var values = 0, errors = 0
        for _ in 0..<20000 {
            let e = expression(4, &g)
            let row: [String: SQLValue] = ["A": rowValues.randomElement(using: &g)!, "B": rowValues.randomElement(using: &g)!, "C": rowValues.randomElement(using: &g)!]
            do {
                _ = try evaluator.evaluate(e) { row[$0.name] }
                values += 1
            } catch is SQLEvaluationError {
                errors += 1
            } catch {
                XCTFail("unexpected error type \(error) for \(SQLFormatter.format(e))")
            }
        }
        XCTAssertGreaterThan(values, 2000, "the generator should produce many evaluable expressions")
        XCTAssertGreaterThan(errors, 0)
    }
}
