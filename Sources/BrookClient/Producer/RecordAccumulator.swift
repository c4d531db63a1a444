import NIOCore

/// Per-partition queues of batches. A pure state machine: the producer calls it under a lock and
/// performs what it returns. A partition's head batch is ready when it is full, when `linger` has
/// passed since it was opened, or when the producer is flushing; one batch per partition is in flight
/// at a time, so records stay in order across retries.
struct RecordAccumulator {
    let batchSize: Int
    let linger: TimeAmount
    private(set) var queues: [TopicPartition: [ProducerBatch]] = [:]
    private(set) var inFlight: Set<TopicPartition> = []
    /// Records accepted and not yet completed (queued or in flight).
    private(set) var outstandingRecords = 0

    init(batchSize: Int, linger: TimeAmount) {
        self.batchSize = batchSize
        self.linger = linger
    }

    /// Whether appending `size` bytes to `partition` would open a new batch.
    func wouldOpenBatch(_ partition: TopicPartition, size: Int) -> Bool {
        guard let last = queues[partition]?.last, !last.isSealed else { return true }
        return last.size + size > batchSize && !last.records.isEmpty
    }

    /// Appends a record. Returns whether the sender should look again: a batch became ready
    /// (filled up) or a partition got its first batch (a linger timer to arm).
    mutating func append(_ record: PendingRecord, to partition: TopicPartition, now: NIODeadline) -> Bool {
        outstandingRecords += 1
        var wake = false
        if wouldOpenBatch(partition, size: record.size) {
            let count = queues[partition]?.count ?? 0
            // Sealing the previous batch makes it ready; opening the first arms a linger timer.
            if count > 0 { queues[partition]?[count - 1].isSealed = true }
            wake = true
            queues[partition, default: []].append(ProducerBatch(partition: partition, createdAt: now))
        }
        let last = queues[partition]!.count - 1
        queues[partition]?[last].records.append(record)
        queues[partition]?[last].size += record.size
        if queues[partition]![last].size >= batchSize {
            queues[partition]?[last].isSealed = true
            wake = true
        }
        return wake
    }

    /// Whether `batch` may be sent at `now`.
    private func isReady(_ batch: ProducerBatch, queueLength: Int, now: NIODeadline, flushing: Bool) -> Bool {
        if let notBefore = batch.retryNotBefore { return now >= notBefore }
        return flushing || batch.isSealed || queueLength > 1 || now >= batch.createdAt + linger
    }

    /// Removes and returns the ready head batches of partitions that have nothing in flight and
    /// whose leader `canSend` accepts (a closure that may count per-node requests), and the earliest
    /// moment a waiting batch becomes ready.
    mutating func drain(now: NIODeadline, flushing: Bool,
                        canSend: (TopicPartition) -> Bool) -> (batches: [ProducerBatch], nextReady: NIODeadline?) {
        var ready: [ProducerBatch] = []
        var nextReady: NIODeadline?
        for partition in queues.keys.sorted() where !inFlight.contains(partition) {
            guard var queue = queues[partition], let head = queue.first else { continue }
            if isReady(head, queueLength: queue.count, now: now, flushing: flushing) {
                guard canSend(partition) else { continue }
                var batch = queue.removeFirst()
                batch.isSealed = true
                ready.append(batch)
                inFlight.insert(partition)
                queues[partition] = queue.isEmpty ? nil : queue
            } else {
                let when = head.retryNotBefore ?? (head.createdAt + linger)
                nextReady = min(nextReady ?? when, when)
            }
        }
        return (ready, nextReady)
    }

    /// A sent batch failed in a way worth retrying: back to the head of its queue, not before `notBefore`.
    mutating func requeue(_ batch: ProducerBatch, notBefore: NIODeadline) {
        var batch = batch
        batch.attempts += 1
        batch.retryNotBefore = notBefore
        inFlight.remove(batch.partition)
        queues[batch.partition, default: []].insert(batch, at: 0)
    }

    /// A sent batch is finished (acknowledged or failed for good).
    mutating func complete(_ batch: ProducerBatch) {
        inFlight.remove(batch.partition)
        outstandingRecords -= batch.records.count
    }

    /// Removes every queued (not in-flight) batch, for failing them at shutdown.
    mutating func removeAllQueued() -> [ProducerBatch] {
        let all = queues.values.flatMap { $0 }
        queues = [:]
        outstandingRecords -= all.reduce(0) { $0 + $1.records.count }
        return all
    }

    /// Whether any batch is queued for `topic`'s partitions (used to find partitions needing a leader).
    var queuedPartitions: Dictionary<TopicPartition, [ProducerBatch]>.Keys { queues.keys }
}

extension RecordAccumulator {
    /// Removes queued (not in-flight) batches opened before `cutoff`: their records ran out of
    /// delivery time. Their records stop counting as outstanding.
    mutating func expire(olderThan cutoff: NIODeadline) -> [ProducerBatch] {
        var expired: [ProducerBatch] = []
        for (partition, queue) in queues where queue.first.map({ $0.createdAt < cutoff }) ?? false {
            let (old, young) = (queue.filter { $0.createdAt < cutoff }, queue.filter { $0.createdAt >= cutoff })
            expired += old
            queues[partition] = young.isEmpty ? nil : young
        }
        outstandingRecords -= expired.reduce(0) { $0 + $1.records.count }
        return expired
    }
}
