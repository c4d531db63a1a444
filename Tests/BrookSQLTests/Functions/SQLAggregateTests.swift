import BrookSQL
import XCTest

final class SQLAggregateTests: XCTestCase {
    private func run(_ kind: AggregateKind, _ values: [SQLValue], countsNulls: Bool = false, parameters: [SQLValue] = []) throws -> SQLValue {
        var accumulator = try AggregateAccumulator(kind, countsNulls: countsNulls, parameters: parameters)
        for value in values { try accumulator.add(value) }
        return accumulator.result
    }

    func testResults() throws {
        let xs: [SQLValue] = [.int(3), .null, .int(1), .int(3), .int(5)]
        XCTAssertEqual(try run(.count, xs), .bigint(4))
        XCTAssertEqual(try run(.count, xs, countsNulls: true), .bigint(5))
        XCTAssertEqual(try run(.countDistinct, xs), .bigint(3))
        XCTAssertEqual(try run(.sum, xs), .int(12))
        XCTAssertEqual(try run(.sum, [.int(2_147_483_647), .int(1)]), .int(-2_147_483_648))
        XCTAssertEqual(try run(.sum, [dec("1.5"), dec("2.25")]), dec("3.75"))
        var typedSum = try AggregateAccumulator(.sum, inputType: .bigint)
        try typedSum.add(.null)
        XCTAssertEqual(typedSum.result, .bigint(0), "ksqlDB's SUM initializes to 0")
        XCTAssertEqual(try run(.avg, xs), .double(3))
        XCTAssertEqual(try run(.avg, []), .double(0))
        XCTAssertEqual(try run(.min, xs), .int(1))
        XCTAssertEqual(try run(.max, xs), .int(5))
        XCTAssertEqual(try run(.collectList, xs), .array(xs))
        XCTAssertEqual(try run(.collectSet, xs), .array([.int(3), .null, .int(1), .int(5)]))
        XCTAssertEqual(try run(.latestByOffset, xs), .int(5))
        XCTAssertEqual(try run(.latestByOffset, [.int(1), .null]), .int(1))
        XCTAssertEqual(try run(.latestByOffset, [.int(1), .null], parameters: [.boolean(false)]), .null)
        XCTAssertEqual(try run(.latestByOffset, xs, parameters: [.int(2)]), .array([.int(3), .int(5)]))
        XCTAssertEqual(try run(.earliestByOffset, [.null, .int(7), .int(8)]), .int(7))
        XCTAssertEqual(try run(.earliestByOffset, xs, parameters: [.int(2), .boolean(false)]), .array([.int(3), .null]))
        XCTAssertEqual(try run(.topK, xs, parameters: [.int(2)]), .array([.int(5), .int(3)]))
        XCTAssertEqual(try run(.topK, xs, parameters: [.int(3)]), .array([.int(5), .int(3), .int(3)]))
        XCTAssertEqual(try run(.topKDistinct, xs, parameters: [.int(3)]), .array([.int(5), .int(3), .int(1)]))
        XCTAssertEqual(try run(.histogram, [.string("a"), .string("b"), .string("a"), .null]), .map([("a", .bigint(2)), ("b", .bigint(1))]))
        XCTAssertEqual(try run(.stddevSamp, [.int(1)]), .double(0))
        guard case .double(let sd) = try run(.stddevSamp, [.int(2), .int(4), .int(4), .int(4), .int(5), .int(5), .int(7), .int(9)]) else { return XCTFail() }
        XCTAssertEqual(sd, 2.138089935299395, accuracy: 1e-12)
        XCTAssertThrowsError(try AggregateAccumulator(.topK, parameters: []))
        var limited = try AggregateAccumulator(.collectList, collectLimit: 2)
        for v in xs { try limited.add(v) }
        XCTAssertEqual(limited.result, .array([.int(3), .null]))
        var histogram = try AggregateAccumulator(.histogram)
        for i in 0..<1001 { try histogram.add(.int(Int32(i))) }
        try histogram.add(.int(0))
        guard case .map(let entries) = histogram.result else { return XCTFail() }
        XCTAssertEqual(entries.count, 1000, "HISTOGRAM ignores new values past 1000 entries")
        XCTAssertEqual(entries.first?.value, .bigint(2))
    }

    func testUndoRestoresThePreviousResult() throws {
        for kind in AggregateKind.allCases where kind.supportsUndo {
            var accumulator = try AggregateAccumulator(kind)
            try accumulator.add(.int(4))
            try accumulator.add(.int(6))
            let before = accumulator.result
            try accumulator.add(.int(9))
            try accumulator.remove(.int(9))
            if case .double(let a) = accumulator.result, case .double(let b) = before {
                XCTAssertEqual(a, b, accuracy: 1e-9, "\(kind)")
            } else {
                XCTAssertEqual(accumulator.result, before, "\(kind)")
            }
        }
        var max = try AggregateAccumulator(.max)
        XCTAssertThrowsError(try max.remove(.int(1)))
    }

    func testMergeEqualsAddingEverything() throws {
        let left: [SQLValue] = [.int(1), .int(5), .int(2)], right: [SQLValue] = [.int(7), .int(2)]
        for kind in AggregateKind.allCases {
            let parameters: [SQLValue] = kind == .topK || kind == .topKDistinct ? [.int(2)] : []
            var a = try AggregateAccumulator(kind, parameters: parameters), b = try AggregateAccumulator(kind, parameters: parameters)
            var all = try AggregateAccumulator(kind, parameters: parameters)
            for v in left { try a.add(v); try all.add(v) }
            for v in right { try b.add(v); try all.add(v) }
            try a.merge(b)
            if case .double(let x) = a.result, case .double(let y) = all.result {
                XCTAssertEqual(x, y, accuracy: 1e-9, "\(kind)")
            } else {
                XCTAssertEqual(a.result, all.result, "\(kind)")
            }
        }
    }

    func testExplode() throws {
        XCTAssertEqual(try TableFunctions.explode(.array([.int(1), .null])), [.int(1), .null])
        XCTAssertEqual(try TableFunctions.explode(.null), [])
        XCTAssertThrowsError(try TableFunctions.explode(.int(1)))
    }
}
