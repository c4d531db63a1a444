import BrookCluster
import BrookTestSupport
import XCTest

final class OffsetWaitersTests: XCTestCase {
    func testReleasesOnlyOffsetsBelowTheExclusiveBound() {
        var waiters = OffsetWaiters<Int>()
        waiters.add(1, offset: 10)
        waiters.add(2, offset: 11)
        waiters.add(3, offset: 12)
        XCTAssertEqual(waiters.removeReady(below: 10), [])
        XCTAssertEqual(waiters.removeReady(below: 12), [1, 2])
        XCTAssertEqual(waiters.count, 1)
        XCTAssertEqual(waiters.lowestOffset, 12)
    }

    func testAnOlderOffsetAddedLaterIsReleasedFirst() {
        var waiters = OffsetWaiters<String>()
        waiters.add("new", offset: 100)
        waiters.add("retry", offset: 40)
        XCTAssertEqual(waiters.removeReady(below: 50), ["retry"])
        XCTAssertEqual(waiters.removeReady(below: 101), ["new"])
        XCTAssertTrue(waiters.isEmpty)
    }

    func testWaitersOnTheSameOffsetLeaveInArrivalOrder() {
        var waiters = OffsetWaiters<Int>()
        for i in 0..<20 { waiters.add(i, offset: 7) }
        XCTAssertEqual(waiters.removeReady(below: 8), Array(0..<20))
    }

    func testRemoveAllEmptiesInOffsetOrder() {
        var waiters = OffsetWaiters<Int>()
        waiters.add(3, offset: 30)
        waiters.add(1, offset: 10)
        waiters.add(2, offset: 20)
        XCTAssertEqual(waiters.removeAll(), [1, 2, 3])
        XCTAssertEqual(waiters.count, 0)
        XCTAssertEqual(waiters.removeReady(below: .max), [])
    }

    func testExtremeOffsetsAndBounds() {
        var waiters = OffsetWaiters<Int>()
        waiters.add(1, offset: .max)
        waiters.add(2, offset: .min)
        XCTAssertEqual(waiters.removeReady(below: .min), [])
        XCTAssertEqual(waiters.removeReady(below: .max), [2])
        XCTAssertEqual(waiters.removeAll(), [1])
    }

    /// Random adds (mostly ascending, some older) and releases against a plain sorted-list model.
    func testMatchesASortedListModel() {
        var rng = SeededRNG(seed: 0x5EED_0FF5)
        var waiters = OffsetWaiters<Int>()
        var model: [(offset: Int64, id: Int)] = []
        var next: Int64 = 0
        for id in 0..<5000 {
            if Int.random(in: 0..<4, using: &rng) == 0 {
                let bound = next - Int64.random(in: 0...20, using: &rng)
                let expected = model.filter { $0.offset < bound }
                    .sorted { $0.offset != $1.offset ? $0.offset < $1.offset : $0.id < $1.id }.map(\.id)
                model.removeAll { $0.offset < bound }
                XCTAssertEqual(waiters.removeReady(below: bound), expected)
            }
            let offset = Int.random(in: 0..<10, using: &rng) == 0 ? next - Int64.random(in: 0...50, using: &rng) : next
            next += Int64.random(in: 0...3, using: &rng)
            waiters.add(id, offset: offset)
            model.append((offset, id))
            XCTAssertEqual(waiters.count, model.count)
        }
    }

    /// 200k waiters added in descending order (the worst order for a sorted list) release quickly.
    func testManyWaitersStayCheap() {
        var waiters = OffsetWaiters<Int>()
        let n = 200_000
        let start = ContinuousClock.now
        for i in 0..<n { waiters.add(i, offset: Int64(n - i)) }
        var released = 0
        var bound: Int64 = 0
        while !waiters.isEmpty {
            bound += 1000
            released += waiters.removeReady(below: bound).count
        }
        XCTAssertEqual(released, n)
        // Quadratic work (~10^10 element moves) would take minutes; n log n takes well under a second.
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(20))
    }
}
