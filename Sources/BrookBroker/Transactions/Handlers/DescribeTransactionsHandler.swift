import BrookCoordination
import BrookProtocol
import NIOCore

/// DescribeTransactions (65), version 0 (KIP-664): each transactional id's state, producer and partitions.
enum DescribeTransactionsHandler {
    static let handler = ApiHandler.make(DescribeTransactionsRequest.self, versions: 0...0) { request, context in
        typealias State = DescribeTransactionsResponse.TransactionState
        let loop = context.eventLoop
        let states = request.transactionalIds.map { id -> EventLoopFuture<State> in
            context.broker.transactions.runner(for: id).read(unavailable: {
                State(errorCode: $0.rawValue, transactionalId: id)
            }) { shard, _ in
                switch shard.describe(transactionalId: id) {
                case .failure(let error):
                    return State(errorCode: error.errorCode(version: 0, fencedSince: 0).rawValue, transactionalId: id)
                case .success(let m):
                    let byTopic = Dictionary(grouping: m.partitions, by: \.topic).sorted { $0.key < $1.key }
                    return State(errorCode: 0, transactionalId: id, transactionState: m.state.name,
                                 transactionTimeoutMs: m.timeoutMs, transactionStartTimeMs: m.startTimestamp,
                                 producerId: m.producerId, producerEpoch: m.producerEpoch,
                                 topics: byTopic.map { .init(topic: $0.key, partitions: $0.value.map(\.partition).sorted()) })
                }
            }.hop(to: loop)
        }
        return EventLoopFuture.whenAllSucceed(states, on: loop).map { states -> (any KafkaMessage)? in
            DescribeTransactionsResponse(throttleTimeMs: 0, transactionStates: states)
        }
    }
}
