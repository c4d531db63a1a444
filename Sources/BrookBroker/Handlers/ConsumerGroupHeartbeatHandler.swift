import BrookCoordination
import BrookProtocol
import NIOCore

/// ConsumerGroupHeartbeat (68), versions 0–1 (KIP-848): joining, heartbeating and leaving a consumer
/// group whose assignment the broker computes (uniform or range assignor).
enum ConsumerGroupHeartbeatHandler {
    static let handler = ApiHandler.make(ConsumerGroupHeartbeatRequest.self, versions: 0...1) { request, context in
        let broker = context.broker
        var owned: TopicAssignment?
        if let partitions = request.topicPartitions {
            var assignment: TopicAssignment = [:]
            for topic in partitions { assignment[topic.topicId, default: []].formUnion(topic.partitions) }
            owned = assignment
        }
        let input = ConsumerGroupHeartbeatInput(
            groupId: request.groupId, memberId: request.memberId, memberEpoch: request.memberEpoch,
            instanceId: request.instanceId, rackId: request.rackId, rebalanceTimeoutMs: request.rebalanceTimeoutMs,
            subscribedTopicNames: request.subscribedTopicNames, subscribedTopicRegex: request.subscribedTopicRegex,
            serverAssignor: request.serverAssignor, ownedTopicPartitions: owned,
            clientId: context.header.clientId ?? "", clientHost: context.clientHost, newMemberId: GroupCoordinator.newMemberIdSuffix())
        let topics = broker.groups.topicsImage(broker.topics)
        return broker.groups.runner(for: request.groupId).run(
            unavailable: { ConsumerGroupHeartbeatResult.failure($0) },
            failed: { _ in ConsumerGroupHeartbeatResult.failure(.notCoordinator) }
        ) { shard, now in
            shard.consumerGroupHeartbeat(input, topics: topics, now: now)
        }.hop(to: context.eventLoop).map { result in
            if result.error == .invalidRequest || result.error == .unsupportedAssignor {
                broker.logger.debug("ConsumerGroupHeartbeat refused", metadata: [
                    "brook.group": "\(request.groupId)", "error": "\(result.error)", "reason": "\(result.errorMessage ?? "")"])
            }
            return ConsumerGroupHeartbeatResponse(
                throttleTimeMs: 0, errorCode: result.error.rawValue, errorMessage: result.errorMessage,
                memberId: result.memberId, memberEpoch: result.memberEpoch, heartbeatIntervalMs: result.heartbeatIntervalMs,
                assignment: result.assignment.map { assignment in
                    .init(topicPartitions: assignment.sorted { $0.key.description < $1.key.description }.map {
                        .init(topicId: $0.key, partitions: $0.value.sorted())
                    })
                })
        }
    }
}
