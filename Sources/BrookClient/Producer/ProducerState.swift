import BrookProtocol
import NIOCore

/// Everything the producer's callers and its sender share, guarded by one lock: the batches,
/// what metadata says about partitions, per-node requests in flight, buffer memory and the
/// idempotence numbering. Methods never suspend; they return what the shell must do next.
struct ProducerState {
    enum AcceptOutcome {
        case accepted(wakeSender: Bool)
        case needsMetadata
        case needsMemory
        case rejected(KafkaClientError)
    }

    /// One produce request to send: batches for partitions led by `node`.
    struct Request {
        var node: Int32
        var batches: [ProducerBatch]
    }

    /// What the sender does next.
    struct Plan {
        var requests: [Request] = []
        var expired: [ProducerBatch] = []
        var topicsNeedingMetadata: Set<String> = []
        /// Partitions to add to the open transaction before their batches can go.
        var partitionsToAdd: [TopicPartition] = []
        /// Queued batches of a transaction being aborted (or failed), and why they fail.
        var aborted: [ProducerBatch] = []
        var abortError: KafkaClientError?
        var nextWake: NIODeadline?
        var finished = false
    }

    var accumulator: RecordAccumulator
    private var sticky = StickyPartitioner()
    /// What accepting needs per topic, found with one lookup.
    private struct TopicState {
        var partitionCount: Int
        var available: [Int32]
    }
    let bufferMemory: Int
    let maxInFlightPerNode: Int
    let maxRequestSize: Int
    let deliveryTimeout: TimeAmount

    private(set) var usedMemory = 0
    private var topics: [String: TopicState] = [:] {
        didSet { lastTopic = nil }
    }
    /// The topic of the previous record: producers mostly write one topic at a time.
    private var lastTopic: (name: String, state: TopicState)?
    private var leaders: [TopicPartition: Int32] = [:]
    private var inFlightRequests: [Int32: Int] = [:]
    private var metadataRefreshing = false
    /// `metadata.max.age.ms`: known topics are refreshed this often, so added partitions and
    /// moved leaders are noticed without an error first.
    let metadataMaxAge: TimeAmount
    private var metadataRefreshedAt: NIODeadline?

    var flushRequests = 0
    var flushWaiters: [CheckedContinuation<Void, Never>] = []
    var memoryWaiters: [Int: CheckedContinuation<Void, Error>] = [:]
    var nextWaiterId = 0
    /// No new records are accepted.
    var isClosing = false
    /// The sender stops once nothing is outstanding (or at once when `abandon` is set).
    var isStopping = false
    var abandon = false

    /// Idempotence: nil until decided; then the producer id/epoch (or -1 when off).
    var idempotenceReady = false
    var producerId: Int64 = -1
    var producerEpoch: Int16 = -1
    private var nextSequence: [TopicPartition: Int32] = [:]
    /// The sequence each numbered batch in flight has now, by its `flight`: lower than the one it
    /// was sent with once an earlier batch of its partition failed for good.
    private var inFlightSequences: [UInt64: (partition: TopicPartition, sequence: Int32)] = [:]
    private var lastFlight: UInt64 = 0

    /// `transactional.id` is set: records go only inside transactions, to partitions added to them.
    let isTransactional: Bool
    var transaction = TransactionState()

    var reports: AsyncStream<[DeliveryReport]>.Continuation?
    /// Create times for records without one, read off the monotonic clock already taken.
    var clock = RecordClock()

    init(config: ProducerConfig) {
        accumulator = RecordAccumulator(
            batchSize: config.batchSize, linger: config.linger.timeAmount,
            maxInFlightPerPartition: config.maxInFlightRequestsPerConnection)
        bufferMemory = config.bufferMemory
        maxInFlightPerNode = config.maxInFlightRequestsPerConnection
        maxRequestSize = config.maxRequestSize
        deliveryTimeout = config.deliveryTimeout.timeAmount
        metadataMaxAge = config.client.metadataMaxAge.timeAmount
        isTransactional = config.transactionalId != nil
    }

    /// InitProducerId answered for a transactional id: a new id or epoch numbers from 0 again.
    mutating func producerIdAssigned(_ id: Int64, epoch: Int16) {
        producerId = id
        producerEpoch = epoch
        nextSequence = [:]
    }

    // MARK: Accepting records

    /// Partitions the record and appends it when metadata and buffer memory allow.
    mutating func accept(_ record: ProducerRecord, size: Int, completion: RecordCompletion,
                         now: NIODeadline) -> AcceptOutcome {
        if isClosing { return .rejected(.closed) }
        if isTransactional, let error = transaction.acceptError() { return .rejected(error) }
        let timestamp = record.timestamp ?? clock.millis(at: now)
        let topic: TopicState
        if let last = lastTopic, last.name == record.topic {
            topic = last.state
        } else {
            guard let found = topics[record.topic] else { return .needsMetadata }
            topic = found
            lastTopic = (record.topic, found)
        }
        let count = topic.partitionCount
        if usedMemory > 0, usedMemory + size > bufferMemory { return .needsMemory }
        let partition: Int32
        if let explicit = record.partition {
            guard explicit >= 0, Int(explicit) < count else {
                return .rejected(.invalidArgument("partition \(explicit) of \(record.topic) does not exist (it has \(count))"))
            }
            partition = explicit
        } else if let key = record.key {
            partition = Murmur2.partition(forKey: key.readableBytesView, partitionCount: count)
        } else {
            if let chosen = sticky.current(for: record.topic, partitionCount: count),
               !accumulator.wouldOpenBatch(TopicPartition(record.topic, chosen), size: size) {
                partition = chosen
            } else {
                partition = sticky.rotate(record.topic, available: topic.available, partitionCount: count)
            }
        }
        usedMemory += size
        let pending = PendingRecord(completion: completion, timestamp: timestamp, acceptedAt: now, size: size, key: record.key,
                                    opaque: record.opaque)
        let wake = accumulator.append(
            key: record.key, value: record.value, headers: record.headers, pending: pending,
            to: TopicPartition(record.topic, partition), now: now)
        return .accepted(wakeSender: wake)
    }

    /// Folds metadata in: partition counts, leaders and partitions with a leader.
    mutating func apply(_ metadata: ClusterMetadata, topics: some Sequence<String>) {
        for topic in topics {
            guard let entry = metadata.topics[topic], entry.errorCode == .none, !entry.partitions.isEmpty else { continue }
            var withLeader: [Int32] = []
            for partition in entry.partitions {
                let key = TopicPartition(topic, partition.id)
                if partition.leader >= 0 {
                    leaders[key] = partition.leader
                    withLeader.append(partition.id)
                } else {
                    leaders[key] = nil
                }
            }
            self.topics[topic] = TopicState(partitionCount: entry.partitions.count, available: withLeader)
        }
    }

    func knowsTopic(_ topic: String) -> Bool { topics[topic] != nil }

    /// Forgets the leaders of `topic` so the sender asks for fresh metadata.
    mutating func invalidateLeaders(of topic: String) {
        for key in leaders.keys where key.topic == topic { leaders[key] = nil }
    }

    // MARK: Sending

    /// Drains ready batches into per-node requests, expires batches past the delivery timeout and
    /// lists topics whose leaders are unknown.
    mutating func plan(now: NIODeadline) -> Plan {
        var plan = Plan()
        if abandon || (isStopping && accumulator.outstandingRecords == 0) {
            plan.finished = true
            return plan
        }
        guard idempotenceReady else { return plan }
        plan.expired = accumulator.expire(olderThan: now - deliveryTimeout)
        var missing: Set<String> = []
        var requestsPerNode = inFlightRequests
        var chosenNodes: Set<Int32> = []
        let leaders = self.leaders
        let maxInFlight = maxInFlightPerNode
        if isTransactional, [TransactionState.Phase.aborting, .abortableError, .fatalError].contains(transaction.phase) {
            plan.aborted = accumulator.removeAllQueued()
            plan.abortError = transaction.error ?? .invalidArgument("transaction aborted before the record was sent")
        }
        var transaction = self.transaction
        let isTransactional = self.isTransactional
        let (batches, nextReady) = accumulator.drain(now: now, flushing: flushRequests > 0 || isStopping) { partition in
            if isTransactional, !transaction.canSend(partition) { return false }
            guard let node = leaders[partition] else {
                missing.insert(partition.topic)
                return false
            }
            if chosenNodes.contains(node) { return true }
            guard requestsPerNode[node, default: 0] < maxInFlight else { return false }
            requestsPerNode[node, default: 0] += 1
            chosenNodes.insert(node)
            return true
        }
        if isTransactional { plan.partitionsToAdd = transaction.takePartitionsToAdd() }
        self.transaction = transaction
        var byNode: [Int32: [ProducerBatch]] = [:]
        for var batch in batches {
            if producerId >= 0, batch.baseSequence < 0 {
                let sequence = nextSequence[batch.partition, default: 0]
                batch.baseSequence = sequence
                nextSequence[batch.partition] = ProducerBatch.sequence(sequence, plus: batch.records.count)
            }
            if batch.baseSequence >= 0 {
                lastFlight += 1
                batch.flight = lastFlight
                inFlightSequences[lastFlight] = (batch.partition, batch.baseSequence)
            }
            byNode[leaders[batch.partition]!, default: []].append(batch)
        }
        for (node, nodeBatches) in byNode.sorted(by: { $0.key < $1.key }) {
            var current: [ProducerBatch] = []
            var size = 0
            for batch in nodeBatches {
                if !current.isEmpty, size + batch.size > maxRequestSize {
                    plan.requests.append(Request(node: node, batches: current))
                    inFlightRequests[node, default: 0] += 1
                    current = []
                    size = 0
                }
                current.append(batch)
                size += batch.size
            }
            plan.requests.append(Request(node: node, batches: current))
            inFlightRequests[node, default: 0] += 1
        }
        if metadataRefreshedAt == nil { metadataRefreshedAt = now }
        if let refreshed = metadataRefreshedAt, now - refreshed > metadataMaxAge { missing.formUnion(topics.keys) }
        if !missing.isEmpty, !metadataRefreshing {
            metadataRefreshing = true
            metadataRefreshedAt = now
            plan.topicsNeedingMetadata = missing
        }
        plan.nextWake = nextReady
        return plan
    }

    mutating func metadataRefreshFinished() { metadataRefreshing = false }

    /// A request to `node` is over.
    mutating func requestFinished(node: Int32) {
        inFlightRequests[node, default: 1] -= 1
    }

    /// A sent batch to send again, not before `notBefore`, with the sequence it has now.
    mutating func requeue(_ batch: ProducerBatch, notBefore: NIODeadline) {
        accumulator.requeue(landed(batch), notBefore: notBefore)
    }

    /// Splits a sent batch of several records the broker found too large and queues the parts in
    /// its place; returns how many parts.
    mutating func splitTooLarge(_ batch: ProducerBatch, notBefore: NIODeadline) throws -> Int {
        let current = landed(batch)
        guard let parts = try current.split() else { return 0 }
        accumulator.replace(current, with: parts, notBefore: notBefore)
        return parts.count
    }

    /// `batch` back from the broker: no longer in flight, renumbered if a gap closed meanwhile.
    private mutating func landed(_ batch: ProducerBatch) -> ProducerBatch {
        var batch = batch
        if let entry = inFlightSequences.removeValue(forKey: batch.flight), entry.sequence != batch.baseSequence {
            batch.renumber(baseSequence: entry.sequence)
        }
        batch.flight = 0
        return batch
    }

    /// The broker refused `batch` for good (it appended none of it), so it still expects the
    /// batch's sequence: the batches numbered after it, queued or in flight, and the next number
    /// move down by its record count. Otherwise every later batch of the partition would be
    /// answered OUT_OF_ORDER_SEQUENCE_NUMBER until it timed out (Kafka's producer adjusts
    /// sequences the same way after a failed batch).
    mutating func closeSequenceGap(of batch: ProducerBatch) {
        guard producerId >= 0, batch.baseSequence >= 0 else { return }
        let partition = batch.partition
        let sequence = inFlightSequences[batch.flight]?.sequence ?? batch.baseSequence
        let count = batch.records.count
        if let next = nextSequence[partition] { nextSequence[partition] = ProducerBatch.sequence(next, plus: -count) }
        for (flight, entry) in inFlightSequences where entry.partition == partition && entry.sequence > sequence {
            inFlightSequences[flight]?.sequence = ProducerBatch.sequence(entry.sequence, plus: -count)
        }
        accumulator.renumberQueued(partition, above: sequence, by: count)
    }

    /// Releases a finished batch's memory and returns the waiters to wake.
    mutating func finish(_ batch: ProducerBatch) -> (memory: [CheckedContinuation<Void, Error>], flush: [CheckedContinuation<Void, Never>]) {
        inFlightSequences[batch.flight] = nil
        accumulator.complete(batch)
        return release(batch)
    }

    /// Releases memory of batches already removed from the accumulator (expired or abandoned).
    mutating func release(_ batch: ProducerBatch) -> (memory: [CheckedContinuation<Void, Error>], flush: [CheckedContinuation<Void, Never>]) {
        usedMemory -= batch.records.reduce(0) { $0 + $1.size }
        let memory = Array(memoryWaiters.values)
        memoryWaiters = [:]
        var flush: [CheckedContinuation<Void, Never>] = []
        if accumulator.outstandingRecords == 0 {
            flush = flushWaiters
            flushWaiters = []
        }
        return (memory, flush)
    }
}
