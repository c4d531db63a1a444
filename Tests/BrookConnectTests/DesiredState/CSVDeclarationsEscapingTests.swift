import BrookConnect
import BrookSchemas
import BrookTestSupport
import XCTest

final class CSVDeclarationsEscapingTests: XCTestCase {
    /// The row writer escapes bytes itself; its output must equal BrookSchemas' JSON writer's.
    func testRowValuesEqualTheJSONWritersOutputForAnyText() throws {
        var rng = SeededRNG(seed: 77)
        let pieces = ["a", "\"", "\\", "\n", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "😀", "\u{8}", "\u{C}", "/", " "]
        for _ in 0..<200 {
            let fields = (0..<3).map { _ in (0..<Int.random(in: 0...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined() }
            let text = CSVTestWriter.write([["id", "b", "c"], ["k"] + fields.dropFirst()], quoteAll: true)
            let record = try XCTUnwrap(CSVDeclarations(keyColumns: ["id"]).records(source: "f", bytes: Array(text.utf8)).first)
            let expected = JSONValue.object([("id", .string("k")), ("b", .string(fields[1])), ("c", .string(fields[2]))]).compactText
            XCTAssertEqual(String(decoding: record.value, as: UTF8.self), expected)
        }
    }
}
