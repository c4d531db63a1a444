import BrookProtocol
import NIOCore

/// EndTxn (26), versions 0–4: commits or aborts the open transaction. Answered once PrepareCommit /
/// PrepareAbort is durable; the markers follow in the background (CONCURRENT_TRANSACTIONS meanwhile).
enum EndTxnHandler {
    static let handler = ApiHandler.make(EndTxnRequest.self, versions: 0...4) { request, context in
        let version = context.header.apiVersion
        return context.broker.transactions.runner(for: request.transactionalId).run { shard, now in
            shard.endTransaction(transactionalId: request.transactionalId, producerId: request.producerId,
                                 epoch: request.producerEpoch, commit: request.committed, now: now)
        }.hop(to: context.eventLoop).map { outcome in
            EndTxnResponse(throttleTimeMs: 0, errorCode: outcome.errorCode(version: version, fencedSince: 2).rawValue)
        }
    }
}
