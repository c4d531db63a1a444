import BrookSchemas

/// The source records sent and not yet committable, per source partition (Kafka's
/// `SubmittedRecords`): a partition's offset may be written once a record AND every record of that
/// partition submitted before it are acknowledged; the offset is the newest such record's. Sans-IO.
struct SubmittedRecords: Sendable {
    typealias ID = Int

    private struct Entry: Sendable {
        var id: ID
        var offset: JSONValue?
        var acknowledged = false
    }

    private var queues: [JSONValue: [Entry]] = [:]
    private var partitionOf: [ID: JSONValue] = [:]
    private var nextID: ID = 0
    /// Records submitted and neither acknowledged nor dropped.
    private(set) var outstanding = 0

    /// Tracks a record of `partition` whose offset is `offset` (nil: a tombstone for the partition).
    mutating func submit(partition: JSONValue, offset: JSONValue?) -> ID {
        let id = nextID
        nextID += 1
        queues[partition, default: []].append(Entry(id: id, offset: offset))
        partitionOf[id] = partition
        outstanding += 1
        return id
    }

    /// The record was written (or skipped for good): its offset may count once the ones before it do.
    mutating func acknowledge(_ id: ID) {
        guard let partition = partitionOf.removeValue(forKey: id), let index = index(of: id, in: partition) else { return }
        queues[partition]![index].acknowledged = true
        outstanding -= 1
    }

    /// Forgets a record that was never handed to the producer (it will be sent again).
    mutating func drop(_ id: ID) {
        guard let partition = partitionOf.removeValue(forKey: id), let index = index(of: id, in: partition) else { return }
        queues[partition]!.remove(at: index)
        if queues[partition]?.isEmpty == true { queues[partition] = nil }
        outstanding -= 1
    }

    /// Ids grow, so each queue is sorted by id: a binary search finds a record among many outstanding.
    private func index(of id: ID, in partition: JSONValue) -> Int? {
        guard let queue = queues[partition] else { return nil }
        var low = 0
        var high = queue.count
        while low < high {
            let middle = (low + high) / 2
            if queue[middle].id < id { low = middle + 1 } else { high = middle }
        }
        return low < queue.count && queue[low].id == id ? low : nil
    }

    /// Removes the acknowledged head of every partition's queue and returns each partition's
    /// newest offset among them.
    mutating func committableOffsets() -> [(partition: JSONValue, offset: JSONValue?)] {
        var result: [(partition: JSONValue, offset: JSONValue?)] = []
        for (partition, queue) in queues {
            let ready = queue.prefix { $0.acknowledged }
            guard let last = ready.last else { continue }
            result.append((partition, last.offset))
            let rest = Array(queue.dropFirst(ready.count))
            queues[partition] = rest.isEmpty ? nil : rest
        }
        return result
    }
}
