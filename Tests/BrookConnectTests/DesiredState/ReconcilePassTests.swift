import BrookConnect
import BrookTestSupport
import XCTest

final class ReconcilePassTests: XCTestCase {
    private let csv = CSVDeclarations(keyColumns: ["id"])

    /// Runs a pass over CSV files (path → text) and returns its plan.
    private func pass(_ files: [(String, String)], tracked: TrackedState, scope: ReconcilePass.Scope = .everything,
                      deletion: DeletionPolicy = .tombstone) throws -> ReconcilePlan {
        var pass = ReconcilePass(tracked: tracked, scope: scope, deletion: deletion)
        for (path, text) in files { try csv.declare(source: path, bytes: Array(text.utf8), into: &pass) }
        return pass.finish()
    }

    private func committed(_ plan: ReconcilePlan, onto tracked: TrackedState) -> TrackedState {
        var next = tracked
        next.apply(plan.commits)
        return next
    }

    private func summary(_ plan: ReconcilePlan) -> [String] {
        plan.actions.map { action in
            switch action {
            case let .upsert(key, value): "upsert \(key) \(String(decoding: value, as: UTF8.self))"
            case let .delete(key, value): "delete \(key)" + (value.map { " " + String(decoding: $0, as: UTF8.self) } ?? "")
            }
        }
    }

    func testTheFirstPassUpsertsEveryRowAndARepeatEmitsNothing() throws {
        let files = [("a.csv", "id,name\n1,x\n2,y\n")]
        let first = try pass(files, tracked: TrackedState())
        XCTAssertEqual(summary(first), [#"upsert 1 {"id":"1","name":"x"}"#, #"upsert 2 {"id":"2","name":"y"}"#])
        XCTAssertEqual(first.intents.count, 2)
        XCTAssertTrue(first.intents.allSatisfy { $0.pending && $0.state?.mayBeMissing == true })
        let tracked = committed(first, onto: TrackedState())
        XCTAssertEqual(tracked["1"], .emitted(ValueFingerprint(of: Array(#"{"id":"1","name":"x"}"#.utf8)), source: "a.csv"))
        let again = try pass(files, tracked: tracked)
        XCTAssertEqual(again.actions, [])
        XCTAssertEqual(again.commits, [])
        XCTAssertEqual(again.unchanged, 2)
    }

    /// The issue's demo: edit two rows and delete one line → two upserts and one tombstone.
    func testEditingTwoRowsAndDeletingOneEmitsExactlyThoseChanges() throws {
        let tracked = committed(try pass([("d.csv", "id,v\n1,a\n2,b\n3,c\n4,d\n")], tracked: TrackedState()), onto: TrackedState())
        let plan = try pass([("d.csv", "id,v\n1,A\n2,b\n4,D\n")], tracked: tracked)
        XCTAssertEqual(summary(plan), [#"upsert 1 {"id":"1","v":"A"}"#, #"upsert 4 {"id":"4","v":"D"}"#, "delete 3"])
        XCTAssertEqual(plan.unchanged, 1)
        XCTAssertEqual(committed(plan, onto: tracked).keys.keys.sorted(), ["1", "2", "4"])
    }

    func testDeletesFollowTheDeletionPolicy() throws {
        let tracked = committed(try pass([("d.csv", "id\n1\n2\n")], tracked: TrackedState()), onto: TrackedState())
        let valued = try pass([("d.csv", "id\n1\n")], tracked: tracked, deletion: .value(Array("gone".utf8)))
        XCTAssertEqual(summary(valued), ["delete 2 gone"])
        let silent = try pass([("d.csv", "id\n1\n")], tracked: tracked, deletion: .nothing)
        XCTAssertEqual(silent.actions, [])
        XCTAssertEqual(silent.commits, [TrackingUpdate(key: "2", state: nil)])
        XCTAssertEqual(committed(silent, onto: tracked).keys.count, 1)
    }

    func testDeletesComeInSourceThenKeyOrder() throws {
        let tracked = committed(try pass([("b.csv", "id\nz\ny\n"), ("a.csv", "id\nq\np\n")], tracked: TrackedState()), onto: TrackedState())
        XCTAssertEqual(summary(try pass([], tracked: tracked)), ["delete p", "delete q", "delete y", "delete z"])
    }

    func testAChangedFileIsReconciledAloneAndADeletedFileTombstonesEachOfItsRows() throws {
        let tracked = committed(try pass([("a.csv", "id,v\n1,a\n2,a\n"), ("b.csv", "id,v\n3,b\n4,b\n5,b\n")], tracked: TrackedState()), onto: TrackedState())
        let onlyA = try pass([("a.csv", "id,v\n1,a\n2,A\n")], tracked: tracked, scope: .sources(["a.csv"]))
        XCTAssertEqual(summary(onlyA), [#"upsert 2 {"id":"2","v":"A"}"#])
        let bDeleted = try pass([], tracked: tracked, scope: .sources(["b.csv"]))
        XCTAssertEqual(summary(bDeleted), ["delete 3", "delete 4", "delete 5"])
        XCTAssertEqual(committed(bDeleted, onto: tracked).keys.keys.sorted(), ["1", "2"])
    }

    func testARowMovedToAnotherFileUnchangedEmitsNothingButMovesItsSource() throws {
        let tracked = committed(try pass([("a.csv", "id\n1\n2\n"), ("b.csv", "id\n3\n")], tracked: TrackedState()), onto: TrackedState())
        let plan = try pass([("a.csv", "id\n1\n"), ("b.csv", "id\n3\n2\n")], tracked: tracked, scope: .sources(["a.csv", "b.csv"]))
        XCTAssertEqual(plan.actions, [])
        XCTAssertEqual(plan.commits.map(\.key), ["2"])
        XCTAssertEqual(committed(plan, onto: tracked)["2"]?.source, "b.csv")
    }

    func testAKeyStillTrackedFromAnUnchangedFileIsADuplicate() throws {
        let tracked = committed(try pass([("a.csv", "id\n1\n"), ("b.csv", "id\n2\n")], tracked: TrackedState()), onto: TrackedState())
        XCTAssertThrowsError(try pass([("b.csv", "id\n2\n1\n")], tracked: tracked, scope: .sources(["b.csv"]))) {
            XCTAssertEqual("\($0)", #"key "1" is declared twice: at a.csv and at b.csv line 3"#)
        }
    }

    /// A crash after the intents: the key may hold its old or its new value, so the next pass
    /// re-emits it even though the declared value equals one of them.
    func testAnUncertainKeyIsReEmitted() throws {
        let tracked = committed(try pass([("d.csv", "id,v\n1,a\n")], tracked: TrackedState()), onto: TrackedState())
        let interrupted = try pass([("d.csv", "id,v\n1,b\n")], tracked: tracked)
        var afterCrash = tracked
        afterCrash.apply(interrupted.intents)
        XCTAssertEqual(afterCrash["1"]?.possibleValues.count, 2)
        XCTAssertEqual(summary(try pass([("d.csv", "id,v\n1,b\n")], tracked: afterCrash)), [#"upsert 1 {"id":"1","v":"b"}"#])
        XCTAssertEqual(summary(try pass([("d.csv", "id,v\n1,a\n")], tracked: afterCrash)), [#"upsert 1 {"id":"1","v":"a"}"#])
    }

    /// A crash after a delete's intent: the key may still hold its value, so it is deleted again;
    /// a key that certainly holds nothing is just forgotten.
    func testAnUncertainDeleteIsRepeatedNeverMissed() throws {
        let tracked = committed(try pass([("d.csv", "id\n1\n")], tracked: TrackedState()), onto: TrackedState())
        let interrupted = try pass([], tracked: tracked)
        var afterCrash = tracked
        afterCrash.apply(interrupted.intents)
        XCTAssertEqual(afterCrash["1"]?.mayBeMissing, true)
        XCTAssertEqual(summary(try pass([], tracked: afterCrash)), ["delete 1"])
        let nothingThere = TrackedState(keys: ["9": TrackedKey(possibleValues: [], mayBeMissing: true, source: "d.csv")])
        let plan = try pass([], tracked: nothingThere)
        XCTAssertEqual(plan.actions, [])
        XCTAssertEqual(plan.commits, [TrackingUpdate(key: "9", state: nil)])
    }

    /// Property: whatever prefix of a pass's records a crash lets through, once a pass completes the
    /// topic (latest value per key) holds exactly the declared snapshot.
    func testAfterAnyCrashesACompletedPassLeavesTheTopicEqualToTheDeclaredState() throws {
        var rng = SeededRNG(seed: 14)
        for _ in 0..<40 {
            var topic: [String: [UInt8]] = [:]
            var tracked = TrackedState()
            for _ in 0..<25 {
                var declared: [String: String] = [:]
                for key in 0..<12 where Int.random(in: 0..<3, using: &rng) > 0 {
                    declared[String(key)] = ["x", "y", "z"].randomElement(using: &rng)!
                }
                let text = "id,v\n" + declared.sorted { $0.key < $1.key }.map { "\($0.key),\($0.value)\n" }.joined()
                let plan = try pass([("s.csv", text)], tracked: tracked)
                tracked.apply(plan.intents)
                let crash = Int.random(in: 0..<3, using: &rng) == 0
                let delivered = crash ? Int.random(in: 0...plan.actions.count, using: &rng) : plan.actions.count
                for action in plan.actions.prefix(delivered) { topic[action.key] = action.recordValue }
                if crash { continue }
                tracked.apply(plan.commits)
                XCTAssertEqual(topic.count, declared.count)
                for (key, value) in declared {
                    XCTAssertEqual(topic[key], Array(#"{"id":"\#(key)","v":"\#(value)"}"#.utf8))
                }
            }
        }
    }
}
