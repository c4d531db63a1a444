@testable import BrookConnect
import BrookSchemas
import BrookTestSupport
import XCTest

/// SubmittedRecords: a partition's offset is committable only up to its first unacknowledged record.
final class WorkerSubmittedRecordsTests: XCTestCase {
    private let a = JSONValue.object([("file", .string("a"))])
    private let b = JSONValue.object([("file", .string("b"))])

    private func offset(_ n: Int64) -> JSONValue { .object([("position", JSONValue(integer: n))]) }

    private func committable(_ records: inout SubmittedRecords) -> [JSONValue: JSONValue?] {
        Dictionary(uniqueKeysWithValues: records.committableOffsets().map { ($0.partition, $0.offset) })
    }

    func testOffsetsAdvanceOnlyOverAcknowledgedPrefixesPerPartition() {
        var records = SubmittedRecords()
        let a1 = records.submit(partition: a, offset: offset(1))
        let a2 = records.submit(partition: a, offset: offset(2))
        let b1 = records.submit(partition: b, offset: offset(10))
        let a3 = records.submit(partition: a, offset: offset(3))
        XCTAssertEqual(records.outstanding, 4)
        records.acknowledge(a2)
        records.acknowledge(b1)
        XCTAssertEqual(committable(&records), [b: offset(10)])
        records.acknowledge(a1)
        XCTAssertEqual(committable(&records), [a: offset(2)])
        XCTAssertEqual(committable(&records), [:])
        records.acknowledge(a3)
        XCTAssertEqual(records.outstanding, 0)
        XCTAssertEqual(committable(&records), [a: offset(3)])
    }

    func testDroppedRecordsAreForgottenAndTombstonesKept() {
        var records = SubmittedRecords()
        let first = records.submit(partition: a, offset: nil)
        let retried = records.submit(partition: a, offset: offset(2))
        records.drop(retried)
        XCTAssertEqual(records.outstanding, 1)
        records.acknowledge(first)
        records.acknowledge(first)  // twice is harmless
        let result = records.committableOffsets()
        XCTAssertEqual(result.count, 1)
        XCTAssertEqual(result.first?.partition, a)
        XCTAssertNil(result.first?.offset ?? nil)
    }

    /// Random interleavings: the committed offset of a partition is always that of the newest
    /// record whose every predecessor in the partition is acknowledged.
    func testRandomAcknowledgementOrders() {
        var rng = SeededRNG(seed: 14)
        for _ in 0..<200 {
            var records = SubmittedRecords()
            var ids: [(id: Int, partition: Int, seq: Int64)] = []
            var acked: [Int: Set<Int64>] = [0: [], 1: []]
            var next: [Int: Int64] = [0: 0, 1: 0]
            var lastCommitted: [Int: Int64] = [:]
            for _ in 0..<40 {
                if ids.isEmpty || Bool.random(using: &rng) {
                    let p = Int.random(in: 0...1, using: &rng)
                    let seq = next[p]!
                    next[p] = seq + 1
                    ids.append((records.submit(partition: p == 0 ? a : b, offset: offset(seq)), p, seq))
                } else {
                    let pick = ids.remove(at: Int.random(in: 0..<ids.count, using: &rng))
                    records.acknowledge(pick.id)
                    acked[pick.partition]!.insert(pick.seq)
                }
                for (partition, value) in records.committableOffsets() {
                    let p = partition == a ? 0 : 1
                    let seq = value?["position"]?.int64Value ?? -1
                    var expected: Int64 = -1
                    while acked[p]!.contains(expected + 1) { expected += 1 }
                    XCTAssertEqual(seq, expected)
                    XCTAssertGreaterThan(seq, lastCommitted[p] ?? -1)
                    lastCommitted[p] = seq
                }
            }
        }
    }
}
