import BrookConnect
import XCTest

/// Mutated pipeline files must give a pipeline or a `ConnectPipelineError` pointing inside the text.
final class ConnectPipelineFuzzTests: XCTestCase {
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

    private static let seed = """
        name: fuzz
        input:
          FileStreamSource: {file: in.txt, topic: lines, tasks: {max: 1}}
        transforms:
          - InsertField$Value: {static.field: origin, static.value: file}
          - type: Filter
            predicate: {TopicNameMatches: {pattern: 'lin.*'}}
            negate: true
        output:
          FileStreamSink:
            file: out.txt
            topics: [lines]

        """

    private static let pieces = ["\n", " ", "  ", "- ", ": ", "{", "}", "[", "]", ",", "#", "'", "\"", "type: ", "alias: t1",
                                 "kafka", "topic", "transforms:", "input:", "output:", "~", "1", "\t"]

    func testMutatedPipelinesReadOrThrowAtAPositionInsideTheText() {
        var rng = SeededGenerator(state: 0xB400_C0DE)
        var read = 0
        var refused = 0
        for round in 0..<4000 {
            var text = Array(Self.seed)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0...text.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0 where at < text.count: text.removeSubrange(at..<min(text.count, at + Int.random(in: 1...6, using: &rng)))
                case 1: text.insert(contentsOf: Self.pieces.randomElement(using: &rng)!, at: at)
                default: text.insert(contentsOf: String(text[..<min(text.count, 40)]), at: at)
                }
            }
            let source = String(text)
            do {
                let pipeline = try ConnectPipeline(yaml: source, defaultName: "fuzz")
                XCTAssertFalse(pipeline.source.connectorClass.isEmpty, "round \(round)")
                XCTAssertEqual(pipeline.source.config["name"], pipeline.source.name, "round \(round)")
                read += 1
            } catch {
                let lineCount = source.unicodeScalars.filter { $0 == "\n" || $0 == "\r" }.count + 1
                XCTAssertTrue((1...lineCount).contains(error.position.line), "round \(round): \(error) for \(source.debugDescription)")
                refused += 1
            }
        }
        XCTAssertGreaterThan(read, 200)
        XCTAssertGreaterThan(refused, 200)
    }
}
