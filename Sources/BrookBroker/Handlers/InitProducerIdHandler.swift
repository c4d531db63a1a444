import BrookProtocol
import NIOCore

/// InitProducerId (22), versions 0–5. Without a transactional id it hands an idempotent producer a
/// fresh producer id at epoch 0 (as in Kafka, a v3+ producer asking to bump its epoch after a sequence
/// problem simply starts over). With one, the transaction coordinator registers the id or bumps its
/// epoch, fencing older producers (PRODUCER_FENCED from v4, INVALID_PRODUCER_EPOCH before).
enum InitProducerIdHandler {
    static let handler = ApiHandler.make(InitProducerIdRequest.self, versions: 0...5) { request, context in
        let broker = context.broker
        if let transactionalId = request.transactionalId, !transactionalId.isEmpty {
            let version = context.header.apiVersion
            let expected = request.producerId >= 0 ? (producerId: request.producerId, epoch: request.producerEpoch) : nil
            let producerIds = broker.producerIds
            // A block is reserved (off the loop) before the shard may need an id from it.
            let reserved = producerIds.hasReserved ? context.eventLoop.makeSucceededVoidFuture()
                : context.eventLoop.makeFutureWithTask { try await producerIds.ensureReserved() }
            return reserved.flatMap {
                broker.transactions.runner(for: transactionalId).run { shard, now in
                    try shard.initProducerId(transactionalId: transactionalId, timeoutMs: request.transactionTimeoutMs,
                                             expected: expected, now: now, allocateProducerId: producerIds.nextReserved)
                }
            }.hop(to: context.eventLoop).map { outcome in
                var response = InitProducerIdResponse(throttleTimeMs: 0, errorCode: 0, producerId: -1, producerEpoch: -1)
                if case .ok(let m) = outcome {
                    response.producerId = m.producerId
                    response.producerEpoch = m.producerEpoch
                } else {
                    response.errorCode = outcome.errorCode(version: version, fencedSince: 4).rawValue
                }
                return response
            }
        }
        if let id = broker.producerIds.takeReserved() {
            return context.eventLoop.makeSucceededFuture(
                InitProducerIdResponse(throttleTimeMs: 0, errorCode: 0, producerId: id, producerEpoch: 0))
        }
        return context.eventLoop.makeFutureWithTask {
            var response = InitProducerIdResponse(throttleTimeMs: 0, errorCode: 0, producerId: -1, producerEpoch: -1)
            do {
                response.producerId = try await broker.producerIds.next()
                response.producerEpoch = 0
            } catch {
                broker.logger.error("cannot allocate a producer id", metadata: ["error": "\(error)"])
                response.errorCode = ErrorCode.unknownServerError.rawValue
            }
            return response
        }
    }
}
