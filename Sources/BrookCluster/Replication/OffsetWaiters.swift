import NIOCore

/// Things waiting for an offset to be reached (an fsync, a durable ISR offset, a high watermark),
/// released in offset order once a bound passes them.
///
/// Offsets mostly arrive ascending (appends), so those go to a FIFO queue: O(1) to add and release.
/// The rest (an idempotent retry waits on the older offset of the batch it duplicates) go to a binary
/// min-heap on (offset, arrival), O(log n). Waiters on the same offset are released in arrival order.
/// Inlinable so that the broker's module specializes it for its promises: unspecialized generic code
/// across modules was a measurable share of the CPU at 20k acks=all requests a second.
public struct OffsetWaiters<Waiter> {
    @usableFromInline typealias Entry = OffsetWaiterEntry<Waiter>

    /// Entries in (offset, arrival) order.
    @usableFromInline var ascending = CircularBuffer<Entry>()
    /// Entries that arrived below the last ascending one.
    @usableFromInline var heap: [Entry] = []
    @usableFromInline var arrivals: UInt64 = 0

    @inlinable public init() {}

    @inlinable public var count: Int { ascending.count + heap.count }
    @inlinable public var isEmpty: Bool { ascending.isEmpty && heap.isEmpty }
    /// The smallest offset anyone waits for.
    @inlinable public var lowestOffset: Int64? {
        switch (ascending.first, heap.first) {
        case (let a?, let h?): return min(a.offset, h.offset)
        case (let a?, nil): return a.offset
        case (nil, let h?): return h.offset
        case (nil, nil): return nil
        }
    }

    /// Parks `waiter` until a bound above `offset` is released.
    @inlinable public mutating func add(_ waiter: Waiter, offset: Int64) {
        let entry = Entry(offset: offset, arrival: arrivals, waiter: waiter)
        arrivals &+= 1
        if let last = ascending.last, offset < last.offset {
            heap.append(entry)
            siftUp(heap.count - 1)
        } else {
            ascending.append(entry)
        }
    }

    /// Removes and returns every waiter whose offset is below `bound` (exclusive, as an fsync's
    /// `upToOffset`: the offsets below it are done), lowest offset first.
    @inlinable public mutating func removeReady(below bound: Int64) -> [Waiter] {
        var ready: [Waiter] = []
        while let next = nextEntry(), next.offset < bound {
            ready.append(popNext().waiter)
        }
        return ready
    }

    /// Removes and returns every waiter, lowest offset first (to fail them all).
    @inlinable public mutating func removeAll() -> [Waiter] {
        var all: [Waiter] = []
        all.reserveCapacity(count)
        while nextEntry() != nil { all.append(popNext().waiter) }
        return all
    }

    /// The entry to release next: the earlier of the two heads.
    @inlinable func nextEntry() -> Entry? {
        switch (ascending.first, heap.first) {
        case (let a?, let h?): return h.precedes(a) ? h : a
        case (let a?, nil): return a
        case (nil, let h?): return h
        case (nil, nil): return nil
        }
    }

    @inlinable mutating func popNext() -> Entry {
        if let h = heap.first, ascending.first.map({ h.precedes($0) }) ?? true {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                siftDown(0)
            }
            return h
        }
        return ascending.removeFirst()
    }

    @inlinable mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @inlinable mutating func siftDown(_ start: Int) {
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
@usableFromInline struct OffsetWaiterEntry<Waiter> {
    @usableFromInline var offset: Int64
    @usableFromInline var arrival: UInt64
    @usableFromInline var waiter: Waiter

    @inlinable init(offset: Int64, arrival: UInt64, waiter: Waiter) {
        self.offset = offset
        self.arrival = arrival
        self.waiter = waiter
    }

    @inlinable func precedes(_ other: Self) -> Bool {
        offset != other.offset ? offset < other.offset : arrival < other.arrival
    }
}

extension OffsetWaiterEntry: Sendable where Waiter: Sendable {}
