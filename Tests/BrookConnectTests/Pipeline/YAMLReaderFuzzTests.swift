import BrookConnect
import BrookSchemas
import XCTest

/// Random mutations of valid documents must read or throw a `YAMLError` that points inside the
/// text, never crash (out-of-range indexes trap, so a crash fails the whole run).
final class YAMLReaderFuzzTests: XCTestCase {
    /// SplitMix64, seeded so a failure can be replayed.
    private struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    private static let seeds = [
        "name: csv-orders\ninput:\n  DesiredStateSource:\n    input: csv\n    path: data/*.csv\n    key: {columns: id}\n",
        "transforms:\n  - InsertField$Value: {static.field: origin, static.value: csv}\n  - type: MaskField$Value\n    fields: [email, phone]\n",
        "a: |-\n  literal\n   text\nb: >\n  folded\n\n  more\nc: \"esc \\u00e9 \\\" \\n\"\nd: 'single ''q'''\n",
        "- - x\n  - y\n- {a: [1, 2, {b: c}]}\n-\n  k: v # comment\n",
    ]

    private static let alphabet = Array(" \t\n\r-:#|>[]{},'\"\\&*!?%@`~0123456789abcxyzé\u{FEFF}".unicodeScalars)

    private func mutate(_ text: String, using rng: inout SeededGenerator) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let at = scalars.isEmpty ? 0 : Int.random(in: 0..<scalars.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !scalars.isEmpty: scalars.remove(at: at)
            case 1: scalars.insert(Self.alphabet.randomElement(using: &rng)!, at: at)
            case 2 where !scalars.isEmpty: scalars[at] = Self.alphabet.randomElement(using: &rng)!
            case 3: scalars = Array(scalars.prefix(at))
            default:
                let end = min(scalars.count, at + Int.random(in: 1...12, using: &rng))
                scalars.insert(contentsOf: scalars[at..<end], at: at)
            }
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    func testMutatedDocumentsReadOrThrowWithAPositionInsideTheText() {
        var rng = SeededGenerator(state: 0x5EED_CAFE)
        var read = 0
        var refused = 0
        for round in 0..<6000 {
            let text = mutate(Self.seeds[round % Self.seeds.count], using: &rng)
            do {
                let document = try YAMLDocument(parsing: text)
                XCTAssertNotNil(document.location(of: .root), "round \(round)")
                read += 1
            } catch {
                let lineCount = text.unicodeScalars.filter { $0 == "\n" || $0 == "\r" }.count + 1
                XCTAssertTrue((1...lineCount).contains(error.line), "round \(round): \(error) for \(text.debugDescription)")
                XCTAssertGreaterThanOrEqual(error.column, 1, "round \(round)")
                XCTAssertTrue(error.message.hasPrefix("expected") || error.message.hasPrefix("duplicate"), "\(error)")
                refused += 1
            }
        }
        // Both outcomes must really occur, or the mutations are not exercising the reader.
        XCTAssertGreaterThan(read, 500)
        XCTAssertGreaterThan(refused, 500)
    }

    func testRandomBytesAndExtremeNestingNeverCrash() {
        var rng = SeededGenerator(state: 42)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<80, using: &rng)
            var view = String.UnicodeScalarView()
            for _ in 0..<length { view.append(Self.alphabet.randomElement(using: &rng)!) }
            _ = try? YAMLDocument(parsing: String(view))
        }
        let deepSequence = (0..<5000).map { String(repeating: " ", count: $0) + "-" }.joined(separator: "\n")
        XCTAssertThrowsError(try YAMLDocument(parsing: deepSequence))
        XCTAssertThrowsError(try YAMLDocument(parsing: String(repeating: "{a: ", count: 5000)))
        XCTAssertThrowsError(try YAMLDocument(parsing: String(repeating: "- ", count: 5000) + "x"))
    }
}
