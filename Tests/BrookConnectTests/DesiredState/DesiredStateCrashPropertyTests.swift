import BrookConnect
import BrookTestSupport
import XCTest

final class DesiredStateCrashPropertyTests: XCTestCase {
    /// Property, end to end through the state topic's bytes: files change and disappear, passes
    /// cover only the changed files plus those with uncertain keys, and crashes stop a pass after
    /// its intents and any prefix of its records. After every completed pass the topic (latest
    /// record per key) holds exactly the rows of the files as they are.
    func testPerFilePassesWithCrashesConvergeThroughTheStateTopic() throws {
        var rng = SeededRNG(seed: 0x5EED)
        let csv = CSVDeclarations(keyColumns: ["id"])
        for _ in 0..<25 {
            var files: [String: [String: String]] = [:]  // path → id → value
            var topic: [String: [UInt8]] = [:]
            var stateLog: [DesiredStateRecord] = []
            var passNumber: UInt64 = 0
            for _ in 0..<20 {
                // Change one or two files: rewrite, delete or create; ids are unique across files.
                var changed = Set<String>()
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    let path = ["a.csv", "b.csv", "c.csv"].randomElement(using: &rng)!
                    changed.insert(path)
                    if Int.random(in: 0..<4, using: &rng) == 0 { files[path] = nil; continue }
                    var rows: [String: String] = [:]
                    for n in 0..<6 where Bool.random(using: &rng) { rows["\(path.prefix(1))\(n)"] = ["p", "q"].randomElement(using: &rng)! }
                    files[path] = rows
                }
                let replay = try DesiredStateReplay.replay(stateLog)
                let scope = changed.union(replay.tracked.uncertainSources())
                var pass = ReconcilePass(tracked: replay.tracked, scope: .sources(scope))
                for path in scope.sorted() {
                    guard let rows = files[path] else { continue }
                    let text = "id,v\n" + rows.sorted { $0.key < $1.key }.map { "\($0.key),\($0.value)\n" }.joined()
                    try csv.declare(source: path, bytes: Array(text.utf8), into: &pass)
                }
                let plan = pass.finish()
                passNumber = replay.nextPassNumber
                stateLog += plan.intentRecords(pass: passNumber)
                let crash = Int.random(in: 0..<3, using: &rng) == 0
                let delivered = crash ? Int.random(in: 0...plan.actions.count, using: &rng) : plan.actions.count
                for action in plan.actions.prefix(delivered) { topic[action.key] = action.recordValue }
                if crash { continue }
                stateLog += plan.commitRecords(pass: passNumber)
                let expected = files.values.reduce(into: [String: String]()) { $0.merge($1) { a, _ in a } }
                XCTAssertEqual(Set(topic.keys), Set(expected.keys))
                for (key, value) in expected {
                    XCTAssertEqual(topic[key], Array(#"{"id":"\#(key)","v":"\#(value)"}"#.utf8))
                }
                XCTAssertFalse(try DesiredStateReplay.replay(stateLog).interrupted)
            }
        }
    }
}
