import BrookProtocol
import NIOCore

/// Transactions (`transactional.id`): records sent between `beginTransaction` and
/// `commitTransaction` become visible to read_committed consumers together, or never when the
/// transaction is aborted; consumed offsets can join the same transaction.
///
/// ```swift
/// try await producer.initTransactions()
/// try producer.beginTransaction()
/// _ = try await producer.send(ProducerRecord(topic: "out", key: "k", value: "v"))
/// try await producer.sendOffsetsToTransaction([TopicPartition("in", 0): 42], groupId: "app")
/// try await producer.commitTransaction()
/// ```
extension KafkaProducer {
    /// Registers `transactional.id` with its transaction coordinator (FindCoordinator, InitProducerId):
    /// this fences any older producer with the same id and finishes (aborts) a transaction it left
    /// open. Call once, before the first `beginTransaction`.
    public func initTransactions() async throws {
        let id = try transactionalId()
        let timeoutMs = config.transactionTimeout.millisInt32
        let response = try await transactionRequest("InitProducerId", id: id) { connection in
            let response = try await connection.send(
                InitProducerIdRequest(transactionalId: id, transactionTimeoutMs: timeoutMs, producerId: -1, producerEpoch: -1))
            try KafkaClientError.check(response.errorCode, context: "InitProducerId for transactional id \(id)")
            return response
        }
        try state.withLock { state in
            try state.transaction.initialized()
            state.producerIdAssigned(response.producerId, epoch: response.producerEpoch)
        }
        logger.debug("transactional producer", metadata: [
            "brook.producer.id": "\(response.producerId)", "brook.producer.epoch": "\(response.producerEpoch)",
        ])
    }

    /// Opens a transaction: what is sent from now on commits or aborts together.
    public func beginTransaction() throws {
        _ = try transactionalId()
        try state.withLock { try $0.transaction.begin() }
    }

    /// Commits `offsets` (the next offset to read, per partition) for consumer group `groupId` as
    /// part of the open transaction (AddOffsetsToTxn, then TxnOffsetCommit): they count only if the
    /// transaction commits. Pass the consumer's member id and generation (`groupGeneration`) so a
    /// member that lost its partitions cannot commit them.
    public func sendOffsetsToTransaction(_ offsets: [TopicPartition: Int64], groupId: String, memberId: String = "",
                                         generationId: Int32 = -1, groupInstanceId: String? = nil) async throws {
        let id = try transactionalId()
        let (producerId, epoch) = try state.withLock { state -> (Int64, Int16) in
            if let error = state.transaction.acceptError() { throw error }
            return (state.producerId, state.producerEpoch)
        }
        try await transactionRequest("AddOffsetsToTxn", id: id) { connection in
            let response = try await connection.send(
                AddOffsetsToTxnRequest(transactionalId: id, producerId: producerId, producerEpoch: epoch, groupId: groupId))
            try KafkaClientError.check(response.errorCode, context: "AddOffsetsToTxn for transactional id \(id)")
        }
        state.withLock { $0.transaction.offsetsAdded() }
        let topics = Dictionary(grouping: offsets.keys, by: \.topic).sorted { $0.key < $1.key }.map { topic, partitions in
            TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic(name: topic, partitions: partitions.sorted().map {
                .init(partitionIndex: $0.partition, committedOffset: offsets[$0]!, committedLeaderEpoch: -1, committedMetadata: "")
            })
        }
        let request = TxnOffsetCommitRequest(
            transactionalId: id, groupId: groupId, producerId: producerId, producerEpoch: epoch, generationId: generationId,
            memberId: memberId, groupInstanceId: groupInstanceId, topics: topics)
        let cluster = self.cluster
        do {
            try await withRetries("TxnOffsetCommit", timeout: config.maxBlock, backoff: cluster.backoff, logger: logger,
                                  beforeRetry: { error in
                                      if Self.isCoordinatorError(error) { await cluster.invalidateCoordinator(for: groupId) }
                                  }) {
                let connection = try await cluster.groupCoordinator(for: groupId)
                let response = try await connection.send(request)
                for topic in response.topics {
                    for partition in topic.partitions {
                        try KafkaClientError.check(partition.errorCode, context: "TxnOffsetCommit of \(topic.name)-\(partition.partitionIndex) for group \(groupId)")
                    }
                }
            }
        } catch let error as KafkaClientError {
            state.withLock { $0.transaction.failed(error) }
            throw error
        }
    }

    /// Sends what is buffered, then commits the transaction (EndTxn). Throws when a record of the
    /// transaction failed: the transaction must then be aborted.
    public func commitTransaction() async throws {
        let id = try transactionalId()
        try state.withLock { try $0.transaction.beginEnd(commit: true) }
        await flush()
        let (failure, started) = state.withLock { state in
            (state.transaction.phase == .committing ? nil : state.transaction.error, state.transaction.startedOnCoordinator)
        }
        if let failure { throw failure }
        if started { try await endTransaction(id, commit: true) }
        state.withLock { $0.transaction.ended() }
    }

    /// Aborts the transaction: records not sent yet fail with an error saying so, those sent are
    /// marked aborted (read_committed consumers skip them), and a new transaction may begin.
    public func abortTransaction() async throws {
        let id = try transactionalId()
        try state.withLock { try $0.transaction.beginEnd(commit: false) }
        wakeup.signal()
        await flush()
        if state.withLock({ $0.transaction.startedOnCoordinator }) { try await endTransaction(id, commit: false) }
        state.withLock { $0.transaction.ended() }
    }

    // MARK: Internals

    private func transactionalId() throws -> String {
        guard let id = config.transactionalId else {
            throw KafkaClientError.invalidConfiguration("transactions need transactional.id")
        }
        return id
    }

    private func endTransaction(_ id: String, commit: Bool) async throws {
        let (producerId, epoch) = state.withLock { ($0.producerId, $0.producerEpoch) }
        try await transactionRequest("EndTxn", id: id) { connection in
            let response = try await connection.send(
                EndTxnRequest(transactionalId: id, producerId: producerId, producerEpoch: epoch, committed: commit))
            try KafkaClientError.check(response.errorCode, context: "\(commit ? "commit" : "abort") transaction \(id)")
        }
    }

    /// Runs a request against the transaction coordinator, finding it again after NOT_COORDINATOR
    /// and retrying retriable errors (CONCURRENT_TRANSACTIONS while markers are written, loading)
    /// for up to `max.block.ms`. A failure it cannot retry is folded into the transaction's state.
    private func transactionRequest<T: Sendable>(
        _ what: String, id: String, _ operation: @Sendable (BrokerConnection) async throws -> T
    ) async throws -> T {
        let cluster = self.cluster
        do {
            return try await withRetries(what, timeout: config.maxBlock, backoff: cluster.backoff, logger: logger,
                                         beforeRetry: { error in
                                             if Self.isCoordinatorError(error) { await cluster.invalidateTransactionCoordinator(for: id) }
                                         }) {
                try await operation(try await cluster.transactionCoordinator(for: id))
            }
        } catch let error as KafkaClientError {
            state.withLock { $0.transaction.failed(error) }
            throw error
        }
    }

    static func isCoordinatorError(_ error: Error) -> Bool {
        guard let code = (error as? KafkaClientError)?.errorCode else { return false }
        return code == .notCoordinator || code == .coordinatorNotAvailable
    }

    /// Adds partitions with records waiting to the open transaction (AddPartitionsToTxn), before
    /// their first batch is sent. Retriable errors are retried after a short pause; others fail the
    /// transaction (abortable, or fatal when fenced).
    func addPartitionsToTransaction(_ partitions: [TopicPartition]) async {
        guard let id = config.transactionalId else { return }
        let (producerId, epoch) = state.withLock { ($0.producerId, $0.producerEpoch) }
        var succeeded: [TopicPartition] = []
        var failure: KafkaClientError?
        do {
            let connection = try await cluster.transactionCoordinator(for: id)
            let topics = Dictionary(grouping: partitions, by: \.topic).sorted { $0.key < $1.key }.map {
                AddPartitionsToTxnRequest.AddPartitionsToTxnTopic(name: $0.key, partitions: $0.value.map(\.partition).sorted())
            }
            let response = try await connection.send(AddPartitionsToTxnRequest(
                v3AndBelowTransactionalId: id, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: epoch,
                v3AndBelowTopics: topics))
            for topic in response.resultsByTopicV3AndBelow {
                for result in topic.resultsByPartition {
                    let code = ErrorCode(rawValue: result.partitionErrorCode) ?? .unknownServerError
                    if code == .none {
                        succeeded.append(TopicPartition(topic.name, result.partitionIndex))
                    } else if code != .operationNotAttempted, failure?.isRetriable ?? true {
                        failure = .server(code, message: nil, context: "add \(topic.name)-\(result.partitionIndex) to transaction \(id)")
                    }
                }
            }
        } catch let error as KafkaClientError {
            failure = error
        } catch {
            failure = .invalidArgument("\(error)")
        }
        let retry = failure?.isRetriable ?? false
        if retry {
            if let failure, Self.isCoordinatorError(failure) { await cluster.invalidateTransactionCoordinator(for: id) }
            logger.debug("AddPartitionsToTxn failed, retrying", metadata: ["error": "\(failure!)"])
            let pause = failure?.errorCode == .concurrentTransactions
                ? state.withLock { $0.transaction.concurrentTransactionsPause() } : .milliseconds(20)
            try? await Task.sleep(for: pause)
        }
        state.withLock { state in
            state.transaction.addFinished(succeeded: succeeded)
            if let failure, !retry { state.transaction.failed(failure) }
        }
        wakeup.signal()
    }
}
