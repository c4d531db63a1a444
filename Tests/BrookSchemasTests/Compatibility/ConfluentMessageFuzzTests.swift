import BrookSchemas
import BrookTestSupport
import XCTest

/// Mutated schemas of every type, parsed as stored ones and compared with their seed at every
/// level: the messages are always built (never a crash), and the old schema is named exactly when
/// Confluent names it.
final class ConfluentMessageFuzzTests: XCTestCase {
    private static let seeds: [(String, SchemaType)] = [
        (#"{"type":"record","name":"R","fields":[{"name":"f","type":["null","string"],"default":null},{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"x","type":{"type":"fixed","name":"F","size":4}},{"name":"n","type":"int","aliases":["m"]}]}"#, .avro),
        ("syntax = \"proto2\";\npackage p;\nmessage M { required int32 a = 1; optional string b = 2; oneof o { int64 c = 3; M d = 4; } enum E { X = 0; Y = 1; } }\n", .protobuf),
        (#"{"type":"object","properties":{"a":{"type":"string","maxLength":3},"b":{"enum":[1,2]},"c":{"type":"array","items":{"type":"number","minimum":0}}},"required":["a"],"additionalProperties":false}"#, .json),
    ]

    func testMutationsAlwaysGetConfluentShapedMessages() throws {
        var rng = SeededRNG(seed: 21)
        let alphabet = Array(#"{}[]",:;=0123456789 abcdefmnoprstxyz"#.utf8)
        var compared = 0
        for _ in 0..<1_500 {
            let (seed, type) = Self.seeds.randomElement(using: &rng)!
            let old = try SchemaFormats.parse(seed, type: type)
            var bytes = Array(seed.utf8)
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                }
            }
            guard let new = try? SchemaFormats.parse(String(decoding: bytes, as: UTF8.self), type: type, validatingNewSchema: false) else { continue }
            compared += 1
            for level in CompatibilityLevel.allCases {
                let messages = CompatibilityChecker.confluentMessages(new: new, old: old, oldVersion: 4, level: level)
                if level == .none { XCTAssertEqual(messages, []) }
                let backwardFails = !new.compatibilityIssues(readingDataWrittenWith: old).isEmpty
                let forwardFails = !old.compatibilityIssues(readingDataWrittenWith: new).isEmpty
                let namesOld: Bool
                switch level {
                case .none: namesOld = false
                case .backward, .backwardTransitive: namesOld = backwardFails
                case .forward, .forwardTransitive: namesOld = forwardFails
                case .full, .fullTransitive: namesOld = backwardFails
                }
                XCTAssertEqual(messages.contains("{oldSchemaVersion: 4}"), namesOld, "\(level.rawValue): \(messages)")
                if namesOld {
                    XCTAssertEqual(messages.last, "{oldSchema: '\(old.canonicalString)'}")
                }
                XCTAssertTrue(messages.allSatisfy { $0.hasPrefix("{") || $0.hasPrefix("Unexpected exception") }, "\(messages)")
            }
        }
        XCTAssertGreaterThan(compared, 100, "enough mutations parse to exercise the messages")
    }
}
