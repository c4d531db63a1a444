/// Things waiting for an offset to be reached (an fsync, a durable ISR offset, a high watermark),
/// released in offset order once a bound passes them.
///
/// A binary min-heap on (offset, arrival): adding and releasing cost O(log n) each, whatever the
/// order of arrival. Offsets mostly arrive ascending, but an idempotent retry waits on the older
/// offset of the batch it duplicates. Waiters on the same offset are released in arrival order.
public struct OffsetWaiters<Waiter> {
    private typealias Entry = OffsetWaiterEntry<Waiter>

    private var heap: [Entry] = []
    private var arrivals: UInt64 = 0

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    /// The smallest offset anyone waits for.
    public var lowestOffset: Int64? { heap.first?.offset }

    /// Parks `waiter` until a bound above `offset` is released.
    public mutating func add(_ waiter: Waiter, offset: Int64) {
        heap.append(Entry(offset: offset, arrival: arrivals, waiter: waiter))
        arrivals &+= 1
        siftUp(heap.count - 1)
    }

    /// Removes and returns every waiter whose offset is below `bound` (exclusive, as an fsync's
    /// `upToOffset`: the offsets below it are done), lowest offset first.
    public mutating func removeReady(below bound: Int64) -> [Waiter] {
        var ready: [Waiter] = []
        while let first = heap.first, first.offset < bound {
            ready.append(first.waiter)
            removeFirst()
        }
        return ready
    }

    /// Removes and returns every waiter, lowest offset first (to fail them all).
    public mutating func removeAll() -> [Waiter] {
        let all = heap.sorted { $0.precedes($1) }.map(\.waiter)
        heap.removeAll()
        return all
    }

    private mutating func removeFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count, heap[left + 1].precedes(heap[left]) { smallest = left + 1 }
            guard heap[smallest].precedes(heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}

extension OffsetWaiters: Sendable where Waiter: Sendable {}

/// One parked waiter; `arrival` orders waiters on the same offset.
private struct OffsetWaiterEntry<Waiter> {
    var offset: Int64
    var arrival: UInt64
    var waiter: Waiter

    func precedes(_ other: Self) -> Bool {
        offset != other.offset ? offset < other.offset : arrival < other.arrival
    }
}

extension OffsetWaiterEntry: Sendable where Waiter: Sendable {}
