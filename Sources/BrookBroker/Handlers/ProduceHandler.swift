import BrookCluster
import BrookProtocol
import BrookStorage
import NIOCore

/// Produce (0): validates each partition's record batches and appends them.
///
/// acks=0 gets no response, acks=1 is answered after the OS write, acks=all after a group-committed
/// fsync. Versions 0–2 accept magic 0/1 message sets, up-converted to RecordBatch v2 as Kafka 3.x does
/// (`LegacyProduce`), and magic 2 batches; v3+ only magic 2 (`ProduceVersionRules`, which also keeps
/// zstd for v7+). Transactional batches are appended only to a partition of the producer's ongoing
/// transaction (KIP-890 verification). Version 12 is version 11
/// on the wire; as Brook finalizes no `transaction.version` 2, clients send it outside transactions
/// only, and a transactional v12 batch still needs its AddPartitionsToTxn.
enum ProduceHandler {
    static let handler = ApiHandler.makeFramed(ProduceRequest.self, versions: 0...12) { request, context in
        let broker = context.broker
        let version = context.header.apiVersion
        let loop = context.eventLoop
        let validAcks = request.acks == 0 || request.acks == 1 || request.acks == -1

        let header = context.header
        let headerVersion = ApiKey.produce.responseHeaderVersion(apiVersion: version)
        let gather = ProduceResponseGather(loop: loop, capacity: request.topicData.count) { response in
            request.acks == 0 ? nil : OutboundFrame.message(response, version: version, correlationId: header.correlationId,
                                                            headerVersion: headerVersion)
        }
        for topicData in request.topicData {
            let topic = broker.topics.topic(named: topicData.name)
            // Cached on the topic until its configs or the runtime broker settings change.
            let policy = topic.map { broker.topics.producePolicy(for: $0) }
            gather.beginTopic(topicData.name, partitions: topicData.partitionData.count)
            for partitionData in topicData.partitionData {
                let slot = gather.expect(partition: partitionData.index)
                func fail(_ refusal: ProduceRefusal) {
                    gather.answer(slot, .init(index: partitionData.index, errorCode: refusal.code.rawValue, baseOffset: -1,
                                              logAppendTimeMs: -1, logStartOffset: -1, recordErrors: refusal.recordErrors,
                                              errorMessage: refusal.message))
                }
                func fail(_ code: ErrorCode, _ message: String? = nil) { fail(ProduceRefusal(code, message)) }
                if !validAcks { fail(.invalidRequiredAcks); continue }
                guard let topic, let policy, let partition = topic.partition(partitionData.index) else {
                    fail(Topic.absentPartitionError(topic, partitionData.index)); continue
                }
                if topic.isInternal { fail(.invalidTopicException, "Cannot append to internal topic \(topic.name)"); continue }
                guard let records = partitionData.records, records.readableBytes > 0 else {
                    fail(.invalidRecord, "no record batches"); continue
                }
                if let refusal = ProduceVersionRules.refusal(records, version: version) { fail(refusal); continue }
                let name = "\(topic.name)-\(partitionData.index)"
                let prepared: ProducedBatches
                switch version < 3 && ProduceVersionRules.isLegacy(records)
                    ? LegacyProduce.prepare(records, policy: policy, partition: name, now: broker.clock())
                    : ProducedBatches.prepare(records, policy: policy, partition: name, now: broker.clock()) {
                case .success(let batches): prepared = batches
                case .failure(let refusal): fail(refusal); continue
                }
                if request.acks == -1 {
                    let leadership = partition.leadership
                    if !leadership.minInsyncSatisfied(Int(clamping: policy.minInsyncReplicas)) {
                        fail(.notEnoughReplicas, "The size of the current ISR \(leadership.isr.count) is insufficient to satisfy the min.isr requirement")
                        continue
                    }
                }
                let stored = prepared.stored
                let durable = request.acks == -1
                let logAppendTime = policy.logAppendTime
                let future: EventLoopFuture<Partition.Appended>
                if let header = prepared.transactional, let transactionalId = request.transactionalId, !transactionalId.isEmpty {
                    // KIP-890: a transactional append must belong to the producer's ongoing transaction;
                    // as in Kafka, the coordinator is asked only when none is open in this partition yet.
                    future = partition.appendToOngoingTransaction(
                        stored, producerId: header.producerId, epoch: header.producerEpoch, durable: durable,
                        logAppendTime: logAppendTime
                    ).flatMap { appended in
                        if let appended { return partition.eventLoop.makeSucceededFuture(appended) }
                        return TransactionVerification.verify(
                            broker: broker, transactionalId: transactionalId, producerId: header.producerId,
                            epoch: header.producerEpoch, topic: topic.name, partition: partitionData.index
                        ).flatMap { partition.append(stored, durable: durable, logAppendTime: logAppendTime) }
                    }
                } else if prepared.transactional != nil {
                    // Kafka: a transactional batch needs the request's transactional id.
                    future = loop.makeFailedFuture(ErrorCode.invalidTxnState)
                } else {
                    future = partition.append(stored, durable: durable, logAppendTime: logAppendTime)
                }
                let index = partitionData.index
                future.whenComplete { result in
                    switch result {
                    case .success(let appended):
                        gather.answer(slot, .init(index: index, errorCode: 0, baseOffset: appended.firstOffset,
                                                  logAppendTimeMs: logAppendTime ? appended.maxTimestamp : -1,
                                                  logStartOffset: appended.logStartOffset))
                    case .failure(let error):
                        gather.answer(slot, .init(index: index, errorCode: ErrorMapping.code(for: error).rawValue,
                                                  baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1,
                                                  errorMessage: "\(error)"))
                    }
                }
            }
        }
        return gather.finish()
    }
}
