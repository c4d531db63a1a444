import BrookCoordination
import BrookProtocol
import NIOCore

/// ConsumerGroupDescribe (69), version 0: members of KIP-848 groups with current and target
/// assignments; classic and unknown groups answer GROUP_ID_NOT_FOUND.
enum ConsumerGroupDescribeHandler {
    static let handler = ApiHandler.make(ConsumerGroupDescribeRequest.self, versions: 0...0) { request, context in
        let broker = context.broker
        let topics = broker.groups.topicsImage(broker.topics)
        let operations = request.includeAuthorizedOperations ? DescribeGroupsHandler.groupOperations : Int32.min
        typealias Described = ConsumerGroupDescribeResponse.DescribedGroup
        @Sendable func assignment(_ a: TopicAssignment) -> ConsumerGroupDescribeResponse.Assignment {
            .init(topicPartitions: a.sorted { $0.key.description < $1.key.description }.map {
                .init(topicId: $0.key, topicName: topics.name(of: $0.key) ?? "", partitions: $0.value.sorted())
            })
        }
        let futures = request.groupIds.map { groupId -> EventLoopFuture<Described> in
            if groupId.isEmpty {
                return context.eventLoop.makeSucceededFuture(Described(errorCode: ErrorCode.invalidGroupId.rawValue, groupId: groupId,
                                                                       authorizedOperations: operations))
            }
            return broker.groups.runner(for: groupId).read(unavailable: { error in
                Described(errorCode: error.rawValue, groupId: groupId, authorizedOperations: operations)
            }) { shard in
                switch shard.describeConsumerGroup(groupId) {
                case .failure(let error):
                    return Described(errorCode: error.rawValue, errorMessage: "Group \(groupId) not found.", groupId: groupId,
                                     authorizedOperations: operations)
                case .success(let group):
                    return Described(
                        errorCode: 0, groupId: groupId, groupState: group.state, groupEpoch: group.groupEpoch,
                        assignmentEpoch: group.assignmentEpoch, assignorName: group.assignorName,
                        members: group.members.map { m in
                            .init(memberId: m.memberId, instanceId: m.instanceId, rackId: m.rackId, memberEpoch: m.memberEpoch,
                                  clientId: m.clientId, clientHost: m.clientHost, subscribedTopicNames: m.subscribedTopicNames,
                                  assignment: assignment(m.assignment), targetAssignment: assignment(m.targetAssignment))
                        },
                        authorizedOperations: operations)
                }
            }
        }
        return EventLoopFuture.whenAllSucceed(futures, on: context.eventLoop).map {
            ConsumerGroupDescribeResponse(throttleTimeMs: 0, groups: $0)
        }
    }
}
