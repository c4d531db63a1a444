import BrookCoordination
import BrookProtocol
import NIOCore

/// ListTransactions (66), versions 0–1 (KIP-664, v1 adds KIP-994's duration filter): the transactional
/// ids on this coordinator (in a cluster, the shards whose partitions it leads) matching the state and
/// producer id filters. Unknown state names are echoed back and match nothing. While any shard is
/// loading the answer is COORDINATOR_LOAD_IN_PROGRESS with no states, as in Kafka (a partial list
/// would hide transactions).
enum ListTransactionsHandler {
    static let handler = ApiHandler.make(ListTransactionsRequest.self, versions: 0...1) { request, context in
        let loop = context.eventLoop
        let unknownStates = request.stateFilters.filter { TransactionState(name: $0) == nil }
        let states = Set(request.stateFilters.compactMap { TransactionState(name: $0) })
        if !request.stateFilters.isEmpty && states.isEmpty {
            return loop.makeSucceededFuture(ListTransactionsResponse(throttleTimeMs: 0, errorCode: 0,
                                                                     unknownStateFilters: unknownStates))
        }
        let producerIds = Set(request.producerIdFilters)
        let minDuration = request.durationFilter
        let lists = context.broker.transactions.runners.map { runner in
            runner.readIfLeading(notLeading: { (nil, []) },
                                 unavailable: { (ErrorCode?.some($0), [TransactionMetadata]()) }) { shard, now in
                (nil, shard.list(states: states, producerIds: producerIds, minDurationMs: minDuration, now: now))
            }.hop(to: loop)
        }
        return EventLoopFuture.whenAllSucceed(lists, on: loop).map { results -> (any KafkaMessage)? in
            let errors = results.compactMap(\.0)
            if !errors.isEmpty {
                // Loading is retried by admin clients; a closed shard (shutdown) is not ours any more.
                let error: ErrorCode = errors.contains(.coordinatorLoadInProgress) ? .coordinatorLoadInProgress : .coordinatorNotAvailable
                return ListTransactionsResponse(throttleTimeMs: 0, errorCode: error.rawValue, unknownStateFilters: unknownStates)
            }
            return ListTransactionsResponse(
                throttleTimeMs: 0, errorCode: 0, unknownStateFilters: unknownStates,
                transactionStates: results.flatMap(\.1).sorted { $0.transactionalId < $1.transactionalId }.map {
                    .init(transactionalId: $0.transactionalId, producerId: $0.producerId, transactionState: $0.state.name)
                })
        }
    }
}
