import BrookSQL
import XCTest

/// Parses and evaluates an expression against a row of upper-case column names.
func sqlEval(_ sql: String, row: [String: SQLValue] = [:], now: Int64 = 0) throws -> SQLValue {
    let expression = try SQLParser.parseExpression(sql)
    let evaluator = ExpressionEvaluator(context: EvaluationContext(now: now, random: { 0.25 }, uuid: { "u-1" }))
    return try evaluator.evaluate(expression) { row[$0.name.uppercased()] }
}

func dec(_ text: String) -> SQLValue { .decimal(SQLDecimal(parsing: text)!) }

/// Asserts each (sql, expected) pair; `SQLValue ==` is structural, so types must match too.
func assertEvaluations(_ cases: [(String, SQLValue)], row: [String: SQLValue] = [:], file: StaticString = #filePath, line: UInt = #line) {
    for (sql, expected) in cases {
        do {
            let value = try sqlEval(sql, row: row)
            XCTAssertEqual(value, expected, sql, file: file, line: line)
        } catch {
            XCTFail("\(sql) threw \(error)", file: file, line: line)
        }
    }
}

func assertThrows(_ sql: String, _ expected: SQLEvaluationError? = nil, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let value = try sqlEval(sql)
        XCTFail("\(sql) gave \(value), expected an error", file: file, line: line)
    } catch let error as SQLEvaluationError {
        if let expected { XCTAssertEqual(error, expected, sql, file: file, line: line) }
    } catch {
        XCTFail("\(sql) threw \(error)", file: file, line: line)
    }
}
