import BrookProtocol
import BrookRecords
import BrookStorage
import NIOCore

/// Produce (0): validates each partition's record batches and appends them.
///
/// acks=0 gets no response, acks=1 is answered after the OS write, acks=all after a group-committed
/// fsync. Versions 0–2 (magic 0/1 message sets) are advertised so old librdkafka enables compression,
/// and answered with UNSUPPORTED_VERSION, as Kafka 4 does.
enum ProduceHandler {
    static let handler = ApiHandler.make(ProduceRequest.self, versions: 0...11) { request, context in
        let broker = context.broker
        let version = context.header.apiVersion
        let loop = context.eventLoop
        let validAcks = request.acks == 0 || request.acks == 1 || request.acks == -1

        var topicFutures: [EventLoopFuture<ProduceResponse.TopicProduceResponse>] = []
        for topicData in request.topicData {
            let topic = broker.topics.topic(named: topicData.name)
            var partitionFutures: [EventLoopFuture<ProduceResponse.PartitionProduceResponse>] = []
            for partitionData in topicData.partitionData {
                func fail(_ code: ErrorCode, _ message: String? = nil) {
                    partitionFutures.append(loop.makeSucceededFuture(
                        .init(index: partitionData.index, errorCode: code.rawValue, baseOffset: -1, logAppendTimeMs: -1,
                              logStartOffset: -1, errorMessage: message)))
                }
                if version < 3 { fail(.unsupportedVersion); continue }
                if !validAcks { fail(.invalidRequiredAcks); continue }
                guard let topic, let partition = topic.partition(partitionData.index) else {
                    fail(.unknownTopicOrPartition); continue
                }
                if topic.isInternal { fail(.invalidTopicException, "Cannot append to internal topic \(topic.name)"); continue }
                guard let records = partitionData.records, records.readableBytes > 0 else {
                    fail(.invalidRecord, "no record batches"); continue
                }
                let maxBytes = topic.configs["max.message.bytes"].flatMap(Int.init) ?? broker.config.messageMaxBytes
                let batches: [ValidatedBatch]
                do {
                    batches = try BatchValidation.validate(records, maxBatchSize: maxBytes)
                } catch let error as RecordValidationError {
                    fail(ErrorCode(rawValue: error.kafkaErrorCode) ?? .corruptMessage, "\(error)"); continue
                } catch {
                    fail(.corruptMessage, "\(error)"); continue
                }
                // Control batches (transaction markers) come only from the transaction coordinator.
                if batches.contains(where: { $0.header.isControl }) {
                    fail(.invalidRecord, "control batches cannot be produced by clients"); continue
                }
                let logAppendTime = topic.usesLogAppendTime(brokerDefault: broker.config.messageTimestampType)
                let future = partition.append(batches.map(\.buffer), durable: request.acks == -1, logAppendTime: logAppendTime)
                partitionFutures.append(future.hop(to: loop).map { result in
                    .init(index: partitionData.index, errorCode: 0, baseOffset: result.firstOffset,
                          logAppendTimeMs: logAppendTime ? result.maxTimestamp : -1, logStartOffset: result.logStartOffset)
                }.recover { error in
                    .init(index: partitionData.index, errorCode: ErrorMapping.code(for: error).rawValue, baseOffset: -1,
                          logAppendTimeMs: -1, logStartOffset: -1, errorMessage: "\(error)")
                })
            }
            let name = topicData.name
            topicFutures.append(EventLoopFuture.whenAllSucceed(partitionFutures, on: loop).map {
                .init(name: name, partitionResponses: $0)
            })
        }
        return EventLoopFuture.whenAllSucceed(topicFutures, on: loop).map { topics -> (any KafkaMessage)? in
            if request.acks == 0 { return nil }
            return ProduceResponse(responses: topics, throttleTimeMs: 0)
        }
    }
}
