import BrookSchemas
import XCTest

/// The level logic, with a toy schema type whose compatibility is a set of readable versions.
final class CompatibilityCheckerTests: XCTestCase {
    private struct Toy: ParsedSchema {
        var version: Int
        var reads: Set<Int>
        var schemaType: SchemaType { .avro }
        var canonicalString: String { "v\(version)" }
        func normalized() -> String { canonicalString }
        func compatibilityIssues(readingDataWrittenWith writer: any ParsedSchema) -> [CompatibilityIssue] {
            let w = (writer as! Toy).version
            return reads.contains(w) ? [] : [CompatibilityIssue(errorType: "X", path: "/", detail: "v\(version) cannot read v\(w)")]
        }
    }

    func testNonTransitiveLevelsLookOnlyAtTheLatestVersion() {
        let v1 = Toy(version: 1, reads: [1]), v2 = Toy(version: 2, reads: [2])
        let v3 = Toy(version: 3, reads: [2, 3])
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .backward), [])
        XCTAssertEqual(CompatibilityChecker.issues(new: v3, previous: [v1, v2], level: .backwardTransitive).map(\.detail),
                       ["v3 cannot read v1"])
    }

    func testForwardAsksTheOldSchemaToReadTheNewOne() {
        let v1 = Toy(version: 1, reads: [1]), v2 = Toy(version: 2, reads: [1, 2])
        XCTAssertEqual(CompatibilityChecker.issues(new: v2, previous: [v1], level: .backward), [])
        XCTAssertEqual(CompatibilityChecker.issues(new: v2, previous: [v1], level: .forward).map(\.detail), ["v1 cannot read v2"])
        XCTAssertEqual(CompatibilityChecker.issues(new: v2, previous: [v1], level: .full).count, 1)
        XCTAssertEqual(CompatibilityChecker.issues(new: v2, previous: [v1], level: .none), [])
    }

    func testTheFirstVersionIsAlwaysCompatible() {
        XCTAssertEqual(CompatibilityChecker.issues(new: Toy(version: 1, reads: []), previous: [], level: .fullTransitive), [])
    }
}
