import BrookConnect
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The desired-state pass over a large generated CSV file with a fraction of its rows changed
/// (issue 14's number for docs/performance.md). The unit run uses 20,000 rows and checks only the
/// counts; `BROOK_BENCH_DESIRED_STATE_ROWS=1000000` runs the full size and prints the timings.
final class DesiredStatePassBenchmark: XCTestCase {
    struct Result {
        var rows: Int
        var changes: Int
        var actions: Int
        var firstPass: Duration
        var changedPass: Duration
        var maxResidentMiB: Int
    }

    /// Rows `id,name,qty,note`; in the changed file every 100th row is edited, deleted or replaced
    /// by a new key in turn (1% of the rows change, each change is exactly one record to produce).
    static func csv(rows: Int, changed: Bool) -> (bytes: [UInt8], changes: Int) {
        var out: [UInt8] = Array("id,name,qty,note\n".utf8)
        out.reserveCapacity(rows * 40)
        var changes = 0
        for i in 0..<rows {
            var id = i, qty = i % 97
            if changed && i % 100 == 50 {
                changes += 1
                switch (i / 100) % 3 {
                case 0: qty += 1
                case 1: continue
                default: id = rows + i
                }
                if (i / 100) % 3 == 2 { changes += 1 }  // a replaced key: one delete and one upsert
            }
            out += Array("\(id),name \(id),\(qty),\"a, \"\"quoted\"\" note\"\n".utf8)
        }
        return (out, changes)
    }

    static func run(rows: Int) throws -> Result {
        let csv = CSVDeclarations(keyColumns: ["id"])
        let clock = ContinuousClock()
        let base = Self.csv(rows: rows, changed: false).bytes
        var tracked = TrackedState()
        var first = ReconcilePass(tracked: tracked)
        first.reserveCapacity(rows)
        let firstStart = clock.now
        try csv.declare(source: "data.csv", bytes: base, into: &first)
        let firstPlan = first.finish()
        let firstPass = clock.now - firstStart
        tracked.apply(firstPlan.commits)

        let (edited, changes) = Self.csv(rows: rows, changed: true)
        var second = ReconcilePass(tracked: tracked)
        second.reserveCapacity(rows)
        let secondStart = clock.now
        try csv.declare(source: "data.csv", bytes: edited, into: &second)
        let plan = second.finish()
        let changedPass = clock.now - secondStart
        return Result(rows: rows, changes: changes, actions: plan.actions.count, firstPass: firstPass, changedPass: changedPass,
                      maxResidentMiB: maxResidentMiB())
    }

    static func maxResidentMiB() -> Int {
        #if canImport(Glibc)
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss / 1024
        #else
        return 0
        #endif
    }

    func testAPassOverAChangedFileEmitsExactlyTheChanges() throws {
        let rows = ProcessInfo.processInfo.environment["BROOK_BENCH_DESIRED_STATE_ROWS"].flatMap { Int($0) } ?? 20_000
        let result = try Self.run(rows: rows)
        XCTAssertEqual(result.actions, result.changes)
        XCTAssertEqual(result.changes, rows / 100 + rows / 300)
        print("desired-state pass: \(result.rows) rows, \(result.changes) changes → \(result.actions) records; first pass \(result.firstPass), changed pass \(result.changedPass), max RSS \(result.maxResidentMiB) MiB")
    }
}
