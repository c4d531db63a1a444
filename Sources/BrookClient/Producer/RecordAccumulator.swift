import NIOCore

/// Per-partition queues of batches. A pure state machine: the producer calls it under a lock and
/// performs what it returns. A partition's head batch is ready when it is full, when `linger` has
/// passed since it was opened, or when the producer is flushing. Up to `maxInFlightPerPartition`
/// batches of a partition may be in flight (one per request); a batch coming back for a retry goes
/// out alone, before anything newer, so an idempotent producer's sequence numbers stay in order.
struct RecordAccumulator {
    let batchSize: Int
    let linger: TimeAmount
    let maxInFlightPerPartition: Int
    /// Queues by slot; `slots` maps partitions to slots (slots are never removed).
    private var queues: [[ProducerBatch]] = []
    private var partitions: [TopicPartition] = []
    /// Per slot: whether its last batch filled up. Busy partitions get full-size buffers at once
    /// (no regrowth copies); quiet ones start small, so many partitions don't reserve much.
    private var filledLast: [Bool] = []
    /// Buffers of acknowledged full-size batches, reused for new ones: fresh megabyte buffers cost
    /// a page fault per 4 KiB on first write.
    private var spareBuffers: [ByteBuffer] = []
    private var slots: [TopicPartition: Int] = [:]
    /// The last slot looked up: producers mostly write to one partition at a time.
    private var lastLookup: (partition: TopicPartition, slot: Int)?
    private var inFlight: [TopicPartition: Int] = [:]
    /// Records accepted and not yet completed (queued or in flight).
    private(set) var outstandingRecords = 0

    init(batchSize: Int, linger: TimeAmount, maxInFlightPerPartition: Int = 1) {
        self.batchSize = batchSize
        self.linger = linger
        self.maxInFlightPerPartition = max(1, maxInFlightPerPartition)
    }

    /// Batches of `partition` sent and not yet settled.
    func inFlightCount(_ partition: TopicPartition) -> Int { inFlight[partition] ?? 0 }

    private mutating func slot(for partition: TopicPartition) -> Int {
        if let last = lastLookup, last.partition == partition { return last.slot }
        let slot: Int
        if let known = slots[partition] {
            slot = known
        } else {
            slot = queues.count
            queues.append([])
            partitions.append(partition)
            filledLast.append(false)
            slots[partition] = slot
        }
        lastLookup = (partition, slot)
        return slot
    }

    private func queue(_ partition: TopicPartition) -> [ProducerBatch]? {
        if let last = lastLookup, last.partition == partition { return queues[last.slot] }
        return slots[partition].map { queues[$0] }
    }

    /// Whether appending `size` bytes to `partition` would open a new batch.
    func wouldOpenBatch(_ partition: TopicPartition, size: Int) -> Bool {
        guard let last = queue(partition)?.last, !last.isSealed else { return true }
        return last.size + size > batchSize && !last.records.isEmpty
    }

    /// Appends a record. Returns whether the sender should look again: a batch became ready
    /// (filled up) or a partition got its first batch (a linger timer to arm).
    mutating func append(key: ByteBuffer?, value: ByteBuffer?, headers: [KafkaHeader], pending: PendingRecord,
                         to partition: TopicPartition, now: NIODeadline) -> Bool {
        outstandingRecords += 1
        let index = slot(for: partition)
        var wake = false
        let count = queues[index].count
        let opens = count == 0 || queues[index][count - 1].isSealed
            || (queues[index][count - 1].size + pending.size > batchSize && !queues[index][count - 1].records.isEmpty)
        if opens {
            // Sealing the previous batch makes it ready; opening the first arms a linger timer.
            if count > 0 {
                if !queues[index][count - 1].isSealed { filledLast[index] = true }
                queues[index][count - 1].isSealed = true
            }
            wake = true
            let full = filledLast[index]
            let capacity = full ? batchSize + 64 : min(batchSize, max(16 * 1024, pending.size * 2)) + 64
            let recycled = full ? spareBuffers.popLast() : nil
            queues[index].append(ProducerBatch(partition: partition, createdAt: now, capacity: capacity, recycled: recycled))
        }
        let last = queues[index].count - 1
        queues[index][last].append(key: key, value: value, headers: headers, pending: pending)
        if queues[index][last].size >= batchSize {
            queues[index][last].isSealed = true
            filledLast[index] = true
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
        for index in queues.indices where !queues[index].isEmpty {
            let partition = partitions[index]
            let sending = inFlight[partition] ?? 0
            guard sending < maxInFlightPerPartition else { continue }
            let head = queues[index][0]
            // A retry waits until nothing of its partition is in flight, then goes out alone.
            if head.retryNotBefore != nil, sending > 0 { continue }
            if isReady(head, queueLength: queues[index].count, now: now, flushing: flushing) {
                guard canSend(partition) else { continue }
                var batch = queues[index].removeFirst()
                if !batch.isSealed, batch.size < batchSize / 2 { filledLast[index] = false }
                batch.isSealed = true
                ready.append(batch)
                inFlight[partition] = sending + 1
                // One batch per partition per request; another ready one means "look again now".
                if let next = queues[index].first, next.retryNotBefore == nil,
                   isReady(next, queueLength: queues[index].count, now: now, flushing: flushing) {
                    nextReady = now
                }
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
        settle(batch.partition)
        let index = slot(for: batch.partition)
        queues[index].insert(batch, at: retryPosition(in: index, baseSequence: batch.baseSequence))
    }

    /// A sent batch came back too large and was split into `parts`: they take its place at the
    /// head of the queue, as retries (each alone, in order) that do not count as attempts.
    mutating func replace(_ batch: ProducerBatch, with parts: [ProducerBatch], notBefore: NIODeadline) {
        settle(batch.partition)
        let index = slot(for: batch.partition)
        let position = retryPosition(in: index, baseSequence: parts.first?.baseSequence ?? batch.baseSequence)
        queues[index].insert(contentsOf: parts.map { part in
            var part = part
            part.retryNotBefore = notBefore
            return part
        }, at: position)
    }

    /// Where a retry goes: other retries of the partition may be back already, and they stay in
    /// sequence order.
    private func retryPosition(in index: Int, baseSequence: Int32) -> Int {
        var position = 0
        while position < queues[index].count, queues[index][position].retryNotBefore != nil,
              queues[index][position].baseSequence < baseSequence {
            position += 1
        }
        return position
    }

    /// Lowers by `count` the sequences of `partition`'s queued batches numbered above `sequence`
    /// (a batch there failed for good, so the broker still expects its sequence).
    mutating func renumberQueued(_ partition: TopicPartition, above sequence: Int32, by count: Int) {
        guard let index = slots[partition] else { return }
        for position in queues[index].indices where queues[index][position].baseSequence > sequence {
            let lowered = ProducerBatch.sequence(queues[index][position].baseSequence, plus: -count)
            queues[index][position].renumber(baseSequence: lowered)
        }
    }

    private mutating func settle(_ partition: TopicPartition) {
        let count = (inFlight[partition] ?? 1) - 1
        inFlight[partition] = count > 0 ? count : nil
    }

    /// Keeps a settled batch's buffer for reuse when it is full-size and few are kept already.
    mutating func recycle(_ buffer: ByteBuffer?) {
        guard let buffer, buffer.capacity >= batchSize, spareBuffers.count < 4 else { return }
        spareBuffers.append(buffer)
    }

    /// A sent batch is finished (acknowledged or failed for good).
    mutating func complete(_ batch: ProducerBatch) {
        settle(batch.partition)
        outstandingRecords -= batch.records.count
    }

    /// Removes every queued (not in-flight) batch, for failing them at shutdown.
    mutating func removeAllQueued() -> [ProducerBatch] {
        let all = queues.flatMap { $0 }
        for index in queues.indices { queues[index] = [] }
        outstandingRecords -= all.reduce(0) { $0 + $1.records.count }
        return all
    }

    /// Partitions with at least one queued batch, in the order they were first used.
    var queuedPartitions: [TopicPartition] {
        queues.indices.filter { !queues[$0].isEmpty }.map { partitions[$0] }
    }

    /// Removes queued (not in-flight) batches opened before `cutoff`: their records ran out of
    /// delivery time. Their records stop counting as outstanding.
    mutating func expire(olderThan cutoff: NIODeadline) -> [ProducerBatch] {
        var expired: [ProducerBatch] = []
        for index in queues.indices where queues[index].first.map({ $0.createdAt < cutoff }) ?? false {
            expired += queues[index].filter { $0.createdAt < cutoff }
            queues[index].removeAll { $0.createdAt < cutoff }
        }
        outstandingRecords -= expired.reduce(0) { $0 + $1.records.count }
        return expired
    }
}
