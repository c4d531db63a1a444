import BrookProtocol
import NIOCore

/// InitProducerId (22), versions 0–5: hands an idempotent producer a fresh producer id at epoch 0.
/// As in Kafka, a non-transactional request always gets a new id (a v3+ producer asking to bump its
/// epoch after a sequence problem simply starts over). Transactional ids go to the transaction
/// coordinator, which does not exist yet: COORDINATOR_NOT_AVAILABLE.
enum InitProducerIdHandler {
    static let handler = ApiHandler.make(InitProducerIdRequest.self, versions: 0...5) { request, context in
        var response = InitProducerIdResponse(throttleTimeMs: 0, errorCode: 0, producerId: -1, producerEpoch: -1)
        if let transactionalId = request.transactionalId, !transactionalId.isEmpty {
            response.errorCode = ErrorCode.coordinatorNotAvailable.rawValue
        } else {
            do {
                response.producerId = try context.broker.producerIds.next()
                response.producerEpoch = 0
            } catch {
                context.broker.logger.error("cannot allocate a producer id", metadata: ["error": "\(error)"])
                response.errorCode = ErrorCode.unknownServerError.rawValue
            }
        }
        return context.eventLoop.makeSucceededFuture(response)
    }
}
