@testable import BrookConnect
import BrookTestSupport
import XCTest

/// FileLineSplitter against BufferedReader.readLine's rules, whatever the chunking.
final class FileLineSplitterTests: XCTestCase {
    private func split(_ bytes: [UInt8], chunks: [Int]) -> [(String, Int64)] {
        var splitter = FileLineSplitter()
        var out: [(String, Int64)] = []
        var index = 0
        for size in chunks + [bytes.count] where index < bytes.count {
            let end = min(bytes.count, index + size)
            splitter.append(bytes[index..<end])
            index = end
            while let (line, position) = splitter.nextLine() { out.append((line, position)) }
        }
        return out
    }

    func testTerminatorsAndPositions() {
        let lines = split(Array("a\n\nb\r\nc\rd".utf8), chunks: [1, 1, 1, 1, 1, 1, 1, 1, 1])
        XCTAssertEqual(lines.map(\.0), ["a", "", "b", "c"])
        XCTAssertEqual(lines.map(\.1), [2, 3, 6, 8])
    }

    /// Random bytes rich in terminators, cut into random chunks: the same lines and offsets as one
    /// big chunk, offsets increasing, and what stays buffered is at most what came after the last line.
    func testAnyChunkingGivesTheSameLines() {
        var rng = SeededRNG(seed: 0xF11E)
        let alphabet: [UInt8] = [0x0A, 0x0D, 0x61, 0x62, 0xC3, 0xA9, 0xFF, 0x00]
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...200, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let whole = split(bytes, chunks: [])
            let chunks = (0..<20).map { _ in Int.random(in: 1...16, using: &rng) }
            let pieces = split(bytes, chunks: chunks)
            XCTAssertEqual(pieces.map(\.0), whole.map(\.0))
            XCTAssertEqual(pieces.map(\.1), whole.map(\.1))
            XCTAssertEqual(whole.map(\.1), whole.map(\.1).sorted())
            XCTAssertLessThanOrEqual(whole.last?.1 ?? 0, Int64(bytes.count))
            // A line never contains a terminator.
            XCTAssertFalse(whole.contains { $0.0.contains("\n") || $0.0.contains("\r") })
        }
    }

    func testResetDropsWhatWasBuffered() {
        var splitter = FileLineSplitter(position: 10)
        splitter.append(Array("partial".utf8))
        XCTAssertNil(splitter.nextLine())
        XCTAssertEqual(splitter.pendingByteCount, 7)
        splitter.reset(to: 0)
        splitter.append(Array("x\n".utf8))
        XCTAssertEqual(splitter.nextLine()?.line, "x")
        XCTAssertEqual(splitter.position, 2)
    }
}
