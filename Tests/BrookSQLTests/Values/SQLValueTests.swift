import BrookSQL
import XCTest

final class SQLValueTests: XCTestCase {
    func testDecimalParsingAndText() {
        let cases: [(String, Int64, Int, String)] = [
            ("1.50", 150, 2, "1.50"), ("-.5", -5, 1, "-0.5"), ("0.05", 5, 2, "0.05"), ("12", 12, 0, "12"), ("1e3", 1000, 0, "1000"),
        ]
        for (text, unscaled, scale, printed) in cases {
            let d = SQLDecimal(parsing: text)
            XCTAssertEqual(d?.unscaled, unscaled, text)
            XCTAssertEqual(d?.scale, scale, text)
            XCTAssertEqual(d?.description, printed, text)
        }
        XCTAssertNil(SQLDecimal(parsing: "1.2.3"))
        XCTAssertNil(SQLDecimal(parsing: "99999999999999999999"), "beyond 64 bits is rejected, not wrapped")
        XCTAssertEqual(SQLDecimal(parsing: "2.345")?.rescaled(to: 2, rounding: .halfUp)?.description, "2.35")
        XCTAssertEqual(SQLDecimal(parsing: "-2.345")?.rescaled(to: 2, rounding: .halfDown)?.description, "-2.34")
        XCTAssertNil(SQLDecimal(parsing: "2.345")?.rescaled(to: 2, rounding: .unnecessary))
    }

    func testCrossTypeComparison() {
        XCTAssertEqual(SQLValue.compare(.int(1), .bigint(1)), 0)
        XCTAssertEqual(SQLValue.compare(.int(1), .double(1.5)), -1)
        XCTAssertEqual(SQLValue.compare(dec("1.50"), .int(1)), 1)
        XCTAssertEqual(SQLValue.compare(dec("1.50"), dec("1.5")), 0)
        XCTAssertEqual(SQLValue.compare(.date(1), .timestamp(86_400_000)), 0)
        XCTAssertNil(SQLValue.compare(.int(1), .string("1")))
        XCTAssertNil(SQLValue.compare(.null, .null))
        XCTAssertEqual(SQLValue.sqlEquals(.array([.int(1), .null]), .array([.bigint(1), .null])), true)
        XCTAssertNil(SQLValue.sqlEquals(.null, .int(1)))
    }

    func testRuntimeTypes() {
        XCTAssertEqual(SQLValue.int(1).sqlType, .integer)
        XCTAssertEqual(dec("1.50").sqlType, .decimal(precision: 3, scale: 2))
        XCTAssertEqual(SQLValue.array([.null, .bigint(1)]).sqlType, .array(.bigint))
        XCTAssertEqual(SQLValue.map([("k", .string("v"))]).sqlType, .map(key: .string, value: .string))
        XCTAssertNil(SQLValue.null.sqlType)
    }

    func testCivilCalendar() {
        XCTAssertEqual(CivilDateTime.days(year: 1970, month: 1, day: 1), 0)
        XCTAssertEqual(CivilDateTime.days(year: 2000, month: 3, day: 1), 11017)
        XCTAssertEqual(CivilDateTime.days(year: 1969, month: 12, day: 31), -1)
        for days: Int64 in [-800_000, -1, 0, 59, 11016, 19782, 2_932_896] {
            let c = CivilDateTime.civil(fromDays: days)
            XCTAssertEqual(CivilDateTime.days(year: c.year, month: c.month, day: c.day), days)
        }
        XCTAssertEqual(SQLTimeText.parseTimestamp("2024-02-29T12:30:00.123456Z"), 1_709_209_800_123)
        XCTAssertNil(SQLTimeText.parseTimestamp("2023-02-29"))
        // PartialStringToTimestampParser's completions.
        XCTAssertEqual(SQLTimeText.parseTimestamp("2024"), 1_704_067_200_000)
        XCTAssertEqual(SQLTimeText.parseTimestamp("2024-02"), 1_706_745_600_000)
        XCTAssertEqual(SQLTimeText.parseTimestamp("2024-02-29T12"), 1_709_208_000_000)
        XCTAssertEqual(SQLTimeText.parseTimestamp("2024-02-29T12:3"), 1_709_209_800_000)
        XCTAssertEqual(SQLTimeText.parseTimestamp("2024-02-29T12:30:00.000+0100"), 1_709_206_200_000)
        XCTAssertEqual(SQLTimeText.parseTimestamp("2024-02-29T12:30Z"), 1_709_209_800_000)
        XCTAssertNil(SQLTimeText.parseTimestamp("2024-02-29 12:30:00"), "ksqlDB needs the T")
        XCTAssertEqual(SQLTimeText.parseDate("2024-02"), 19754)
    }
}
