@testable import brook
import XCTest

final class OffsetGrammarTests: XCTestCase {
    func testNamedAndNumericForms() throws {
        XCTAssertEqual(try StartOffset.parse("start"), .start)
        XCTAssertEqual(try StartOffset.parse("beginning"), .start)
        XCTAssertEqual(try StartOffset.parse("end"), .end)
        XCTAssertEqual(try StartOffset.parse("42"), .absolute(42))
        XCTAssertEqual(try StartOffset.parse("0"), .absolute(0))
        XCTAssertEqual(try StartOffset.parse("-10"), .beforeEnd(10))
        XCTAssertEqual(try StartOffset.parse("+3"), .afterStart(3))
    }

    func testTimestampsAndRelativeTimes() throws {
        XCTAssertEqual(try StartOffset.parse("@1700000000000"), .timestamp(1_700_000_000_000))
        XCTAssertEqual(try StartOffset.parse("@2023-11-14T22:13:20Z"), .timestamp(1_700_000_000_000))
        XCTAssertEqual(try StartOffset.parse("@2023-11-14T22:13:20.5Z"), .timestamp(1_700_000_000_500))
        XCTAssertEqual(try StartOffset.parse("@-1h"), .ago(milliseconds: 3_600_000))
        XCTAssertEqual(try StartOffset.parse("@-30m"), .ago(milliseconds: 1_800_000))
        XCTAssertEqual(try StartOffset.parse("@-15s"), .ago(milliseconds: 15_000))
        XCTAssertEqual(try StartOffset.parse("@-250ms"), .ago(milliseconds: 250))
        XCTAssertEqual(try StartOffset.parse("@-2d"), .ago(milliseconds: 172_800_000))
        XCTAssertEqual(try StartOffset.parse("@-1.5h"), .ago(milliseconds: 5_400_000))
    }

    func testRejectsGarbage() {
        for bad in ["", "soon", "--1", "+x", "@", "@-", "@-1y", "@yesterday", "1.5", "-", "+"] {
            XCTAssertThrowsError(try StartOffset.parse(bad), "'\(bad)' should not parse")
        }
    }

    func testResolvesAgainstTheLog() {
        XCTAssertEqual(StartOffset.start.resolve(earliest: 5, latest: 20), 5)
        XCTAssertEqual(StartOffset.end.resolve(earliest: 5, latest: 20), 20)
        XCTAssertEqual(StartOffset.beforeEnd(3).resolve(earliest: 5, latest: 20), 17)
        XCTAssertEqual(StartOffset.beforeEnd(100).resolve(earliest: 5, latest: 20), 5, "clamped to the log start")
        XCTAssertEqual(StartOffset.afterStart(2).resolve(earliest: 5, latest: 20), 7)
        XCTAssertEqual(StartOffset.afterStart(100).resolve(earliest: 5, latest: 20), 20, "clamped to the end")
        XCTAssertEqual(StartOffset.absolute(9).resolve(earliest: 5, latest: 20), 9)
        XCTAssertNil(StartOffset.timestamp(1).resolve(earliest: 0, latest: 1))
        XCTAssertEqual(StartOffset.ago(milliseconds: 1_000).lookupTimestamp(now: 10_000), 9_000)
        XCTAssertEqual(StartOffset.timestamp(77).lookupTimestamp(now: 10_000), 77)
        XCTAssertNil(StartOffset.end.lookupTimestamp(now: 1))
    }
}
