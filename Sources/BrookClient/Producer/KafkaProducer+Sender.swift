import BrookProtocol
import BrookRecords
import Logging
import NIOCore

extension KafkaProducer {
    /// The background loop: decide idempotence, then repeatedly drain ready batches into produce
    /// requests (each in its own child task), expire stale batches, refresh leaders, and sleep until
    /// the next batch is due or something changes.
    func runSender() async {
        await initializeIdempotence()
        await withDiscardingTaskGroup { group in
            while true {
                let plan = state.withLock { $0.plan(now: .now()) }
                if plan.finished { break }
                for batch in plan.expired {
                    fail(batch, error: .timedOut("record not delivered within delivery.timeout.ms"), removed: true)
                }
                for batch in plan.aborted {
                    fail(batch, error: plan.abortError ?? .closed, removed: true)
                }
                if !plan.partitionsToAdd.isEmpty {
                    let partitions = plan.partitionsToAdd
                    group.addTask { await self.addPartitionsToTransaction(partitions) }
                }
                for request in plan.requests {
                    // Written here, in order; only the wait for the answer runs concurrently.
                    if let inFlight = await startProduce(request) {
                        group.addTask { await self.finishProduce(inFlight) }
                    }
                }
                if !plan.topicsNeedingMetadata.isEmpty {
                    let topics = Array(plan.topicsNeedingMetadata)
                    group.addTask { await self.refreshLeaders(topics) }
                }
                await wakeup.wait(until: plan.nextWake)
            }
        }
    }

    /// Asks for a producer id when idempotence is wanted and the broker offers InitProducerId;
    /// otherwise runs non-idempotent (logged once).
    private func initializeIdempotence() async {
        defer {
            state.withLock { $0.idempotenceReady = true }
            wakeup.signal()
        }
        // A transactional producer gets its id from initTransactions, before any record is accepted.
        guard config.enableIdempotence, config.acks == .all, config.transactionalId == nil else { return }
        var attempt = 0
        while !state.withLock({ $0.isStopping }), !Task.isCancelled {
            do {
                let connection = try await cluster.anyConnection()
                guard let version = connection.apiVersions.version(for: .initProducerId) else {
                    logger.notice("broker does not support InitProducerId; producing without idempotence",
                                  metadata: [LogKeys.broker: "\(connection.address)"])
                    return
                }
                let request = InitProducerIdRequest(transactionalId: nil, transactionTimeoutMs: 60_000, producerId: -1, producerEpoch: -1)
                let response = try await connection.send(request, version: version)
                try KafkaClientError.check(response.errorCode, context: "InitProducerId")
                state.withLock {
                    $0.producerId = response.producerId
                    $0.producerEpoch = response.producerEpoch
                }
                logger.debug("idempotent producer", metadata: ["brook.producer.id": "\(response.producerId)", "brook.producer.epoch": "\(response.producerEpoch)"])
                return
            } catch let error as KafkaClientError where error.isRetriable {
                logger.debug("InitProducerId failed, retrying", metadata: ["error": "\(error)"])
                attempt += 1
                try? await Task.sleep(for: cluster.backoff.delay(attempt: attempt))
            } catch {
                logger.notice("InitProducerId failed; producing without idempotence", metadata: ["error": "\(error)"])
                return
            }
        }
    }

    private func refreshLeaders(_ topics: [String]) async {
        do {
            let metadata = try await cluster.refreshMetadata(topics: topics)
            state.withLock {
                $0.apply(metadata, topics: topics)
                $0.metadataRefreshFinished()
            }
        } catch {
            logger.debug("metadata refresh failed", metadata: ["error": "\(error)"])
            try? await Task.sleep(for: config.client.retryBackoff)
            state.withLock { $0.metadataRefreshFinished() }
        }
        wakeup.signal()
    }

    /// A produce request on the wire, waiting for its answer.
    struct InFlightProduce: Sendable {
        var node: Int32
        var batches: [ProducerBatch]
        var pending: PendingResponse<ProduceResponse>
    }

    /// Encodes one request's batches and writes it, in the sender loop itself so that requests reach
    /// the broker in the order their batches were numbered. Returns what to wait for, or nil when the
    /// request is already settled (nothing to send, or it could not be written).
    private func startProduce(_ request: ProducerState.Request) async -> InFlightProduce? {
        let (producerId, producerEpoch) = state.withLock { ($0.producerId, $0.producerEpoch) }
        var batches: [ProducerBatch] = []
        for var batch in request.batches {
            do {
                _ = try batch.encode(codec: config.compression, level: config.compressionLevel, producerId: producerId,
                                     producerEpoch: producerEpoch, transactional: config.transactionalId != nil)
                batches.append(batch)
            } catch let error as KafkaClientError {
                fail(batch, error: error, removed: false)
            } catch {
                fail(batch, error: .invalidArgument("\(error)"), removed: false)
            }
        }
        var topics: [String: [ProduceRequest.PartitionProduceData]] = [:]
        for batch in batches {
            topics[batch.partition.topic, default: []].append(
                ProduceRequest.PartitionProduceData(index: batch.partition.partition, records: batch.encoded))
        }
        let produce = ProduceRequest(
            transactionalId: config.transactionalId, acks: config.acks.rawValue, timeoutMs: config.client.requestTimeout.millisInt32,
            topicData: topics.sorted { $0.key < $1.key }.map { .init(name: $0.key, partitionData: $0.value) })
        do {
            guard !batches.isEmpty else { throw NothingToSend() }
            let connection = try await cluster.connection(to: request.node)
            let pending = try connection.startProduce(produce, expectResponse: config.acks != .none)
            return InFlightProduce(node: request.node, batches: batches, pending: pending)
        } catch is NothingToSend {
        } catch let error as KafkaClientError {
            await handleRequestFailure(batches, node: request.node, error: error)
        } catch {
            for batch in batches { fail(batch, error: .invalidArgument("\(error)"), removed: false) }
        }
        state.withLock { $0.requestFinished(node: request.node) }
        wakeup.signal()
        return nil
    }

    private struct NothingToSend: Error {}

    /// Waits for a written request's answer and settles each of its batches.
    private func finishProduce(_ inFlight: InFlightProduce) async {
        defer {
            state.withLock { $0.requestFinished(node: inFlight.node) }
            wakeup.signal()
        }
        do {
            guard let response = try await inFlight.pending.value() else {
                for batch in inFlight.batches { succeed(batch, baseOffset: -1, logAppendTime: -1) }  // acks=0
                return
            }
            for (batch, brokerMessage) in settle(inFlight.batches, with: response) {
                await failTooLarge(batch, brokerMessage: brokerMessage)
            }
        } catch let error as KafkaClientError {
            await handleRequestFailure(inFlight.batches, node: inFlight.node, error: error)
        } catch {
            for batch in inFlight.batches { fail(batch, error: .invalidArgument("\(error)"), removed: false) }
        }
    }

    private func handleRequestFailure(_ batches: [ProducerBatch], node: Int32, error: KafkaClientError) async {
        if case .closed = error {
            for batch in batches { fail(batch, error: error, removed: false) }
            return
        }
        await cluster.dropConnection(to: node)
        for batch in batches { retryOrFail(batch, error: error, invalidateMetadata: true) }
    }

    /// Settles each batch by its partition's answer; returns the single-record batches refused as
    /// too large, to fail once the topic's limit is known.
    private func settle(_ batches: [ProducerBatch], with response: ProduceResponse) -> [(ProducerBatch, brokerMessage: String?)] {
        var tooLarge: [(ProducerBatch, brokerMessage: String?)] = []
        var results: [TopicPartition: ProduceResponse.PartitionProduceResponse] = [:]
        for topic in response.responses {
            for partition in topic.partitionResponses {
                results[TopicPartition(topic.name, partition.index)] = partition
            }
        }
        for batch in batches {
            guard let result = results[batch.partition] else {
                retryOrFail(batch, error: .protocolViolation("produce response lacks \(batch.partition)"), invalidateMetadata: false)
                continue
            }
            let code = ErrorCode(rawValue: result.errorCode) ?? .unknownServerError
            switch code {
            case .none, .duplicateSequenceNumber:
                succeed(batch, baseOffset: result.baseOffset, logAppendTime: result.logAppendTimeMs)
            case .outOfOrderSequenceNumber where batch.baseSequence >= 0:
                // An earlier batch of the partition failed and comes back first; this one follows it.
                let error = KafkaClientError.server(code, message: result.errorMessage, context: "produce to \(batch.partition)")
                retryOrFail(batch, error: error, invalidateMetadata: false, forceRetriable: true, refused: true)
            case .messageTooLarge where batch.records.count > 1:
                split(batch)
            case .messageTooLarge:
                state.withLock { $0.closeSequenceGap(of: batch) }
                tooLarge.append((batch, result.errorMessage))
            default:
                let error = KafkaClientError.server(code, message: result.errorMessage, context: "produce to \(batch.partition)")
                retryOrFail(batch, error: error, invalidateMetadata: code.invalidatesMetadata, refused: true)
            }
        }
        return tooLarge
    }

    /// A batch of several records above the topic's `max.message.bytes` goes back as smaller
    /// batches, as Kafka's producer does; this is not a retry, so it costs no attempt.
    private func split(_ batch: ProducerBatch) {
        do {
            let parts = try state.withLock { try $0.splitTooLarge(batch, notBefore: .now()) }
            logger.debug("split a batch the broker found too large", metadata: [
                LogKeys.topic: "\(batch.partition.topic)", LogKeys.partition: "\(batch.partition.partition)",
                "records": "\(batch.records.count)", "bytes": "\(batch.encoded?.readableBytes ?? batch.size)", "parts": "\(parts)",
            ])
            wakeup.signal()
        } catch let error as KafkaClientError {
            fail(batch, error: error, removed: false)
        } catch {
            fail(batch, error: .invalidArgument("\(error)"), removed: false)
        }
    }

    /// Fails a one-record batch the broker refused as too large, naming its size and the topic's
    /// limit (asked for with DescribeConfigs; left out when that fails).
    private func failTooLarge(_ batch: ProducerBatch, brokerMessage: String?) async {
        let size = batch.encoded?.readableBytes ?? batch.size
        let limit = await maxMessageBytes(of: batch.partition.topic).map { " \($0)" } ?? ""
        var message = "a batch of one record is \(size) bytes, above the topic's max.message.bytes\(limit)"
        if let brokerMessage, !brokerMessage.isEmpty { message += "; the broker said: \(brokerMessage)" }
        fail(batch, error: .server(.messageTooLarge, message: message, context: "produce to \(batch.partition)"), removed: false)
    }

    private func maxMessageBytes(of topic: String) async -> Int? {
        do {
            let connection = try await cluster.anyConnection()
            let response = try await connection.send(DescribeConfigsRequest(resources: [
                .init(resourceType: 2, resourceName: topic, configurationKeys: ["max.message.bytes"])
            ]))
            guard let result = response.results.first, result.errorCode == 0 else { return nil }
            return result.configs.first { $0.name == "max.message.bytes" }?.value.flatMap { Int($0) }
        } catch {
            logger.debug("cannot read max.message.bytes", metadata: [LogKeys.topic: "\(topic)", "error": "\(error)"])
            return nil
        }
    }

    /// `refused`: the broker answered for this batch with an error, so it appended none of it.
    private func retryOrFail(_ batch: ProducerBatch, error: KafkaClientError, invalidateMetadata: Bool,
                             forceRetriable: Bool = false, refused: Bool = false) {
        let now = NIODeadline.now()
        let withinDeliveryTime = now < batch.createdAt + config.deliveryTimeout.timeAmount
        guard error.isRetriable || forceRetriable, withinDeliveryTime, !state.withLock({ $0.abandon }) else {
            if refused { state.withLock { $0.closeSequenceGap(of: batch) } }
            fail(batch, error: error, removed: false)
            return
        }
        let delay = cluster.backoff.delay(attempt: batch.attempts)
        logger.debug("retrying batch", metadata: [
            LogKeys.topic: "\(batch.partition.topic)", LogKeys.partition: "\(batch.partition.partition)",
            "attempt": "\(batch.attempts + 1)", "error": "\(error)",
        ])
        state.withLock {
            if invalidateMetadata { $0.invalidateLeaders(of: batch.partition.topic) }
            $0.requeue(batch, notBefore: now + delay.timeAmount)
        }
    }

    private func succeed(_ batch: ProducerBatch, baseOffset: Int64, logAppendTime: Int64) {
        let reusable = config.compression == .none ? batch.encoded : nil
        let (waiters, reports) = state.withLock { state in
            state.accumulator.recycle(reusable)
            return (state.finish(batch), state.reports)
        }
        let now = NIODeadline.now()
        var delivered: [DeliveryReport] = []
        for (index, record) in batch.records.enumerated() {
            let metadata = RecordMetadata(
                topic: batch.partition.topic, partition: batch.partition.partition,
                offset: baseOffset < 0 ? -1 : baseOffset + Int64(index),
                timestamp: logAppendTime >= 0 ? logAppendTime : record.timestamp)
            switch record.completion {
            case .awaiting(let continuation):
                continuation.resume(returning: metadata)
            case .report:
                if delivered.isEmpty { delivered.reserveCapacity(batch.records.count) }
                delivered.append(DeliveryReport(
                    topicPartition: batch.partition, result: .success(metadata),
                    latencyNanoseconds: (now - record.acceptedAt).nanoseconds, key: record.key, opaque: record.opaque))
            }
        }
        if !delivered.isEmpty { reports?.yield(delivered) }
        resume(waiters)
    }

    /// Fails every record of `batch`. `removed`: the batch was already taken out of the accumulator's
    /// bookkeeping (expired or abandoned); otherwise it was in flight.
    func fail(_ batch: ProducerBatch, error: KafkaClientError, removed: Bool) {
        let (waiters, reports) = state.withLock { state in
            // A record of a transaction that cannot be delivered: the transaction can only abort.
            if state.isTransactional { state.transaction.failed(error) }
            return (removed ? state.release(batch) : state.finish(batch), state.reports)
        }
        logger.debug("batch failed", metadata: [
            LogKeys.topic: "\(batch.partition.topic)", LogKeys.partition: "\(batch.partition.partition)",
            "records": "\(batch.records.count)", "error": "\(error)",
        ])
        let now = NIODeadline.now()
        var failed: [DeliveryReport] = []
        for record in batch.records {
            switch record.completion {
            case .awaiting(let continuation):
                continuation.resume(throwing: error)
            case .report:
                failed.append(DeliveryReport(
                    topicPartition: batch.partition, result: .failure(error),
                    latencyNanoseconds: (now - record.acceptedAt).nanoseconds, key: record.key, opaque: record.opaque))
            }
        }
        if !failed.isEmpty { reports?.yield(failed) }
        resume(waiters)
    }

    private func resume(_ waiters: (memory: [CheckedContinuation<Void, Error>], flush: [CheckedContinuation<Void, Never>])) {
        for waiter in waiters.memory { waiter.resume() }
        for waiter in waiters.flush { waiter.resume() }
    }
}
