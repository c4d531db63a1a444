@testable import brook
import XCTest

final class LatencyHistogramTests: XCTestCase {
    func testPercentilesWithinBucketPrecision() {
        var histogram = LatencyHistogram()
        for micros in 1...10_000 { histogram.record(nanoseconds: Int64(micros) * 1000) }
        XCTAssertEqual(histogram.count, 10_000)
        for (percentile, expected) in [(50.0, 5_000.0), (95, 9_500), (99, 9_900)] {
            let value = Double(histogram.percentile(percentile))
            XCTAssertLessThanOrEqual(abs(value - expected) / expected, 0.04, "p\(percentile) = \(value)")
        }
        XCTAssertEqual(histogram.percentile(100), 10_000)
        XCTAssertEqual(histogram.maxMicros, 10_000)
    }

    func testSmallValuesAreExactAndEmptyIsZero() {
        var histogram = LatencyHistogram()
        XCTAssertEqual(histogram.percentile(50), 0)
        for micros in [3, 3, 3, 60] { histogram.record(nanoseconds: Int64(micros) * 1000) }
        XCTAssertEqual(histogram.percentile(50), 3)
        XCTAssertEqual(histogram.percentile(99), 60)
    }

    func testFormatting() {
        XCTAssertEqual(formatMicros(850), "850 µs")
        XCTAssertEqual(formatMicros(1_234), "1.23 ms")
        XCTAssertEqual(formatMicros(2_500_000), "2.50 s")
    }
}
