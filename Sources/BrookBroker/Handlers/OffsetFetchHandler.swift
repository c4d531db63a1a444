import BrookCoordination
import BrookProtocol
import NIOCore

/// OffsetFetch (9), versions 1–9: one group before v8, several from v8. Partitions without a commit
/// answer offset -1; a null topic list (v2+) means every committed partition.
enum OffsetFetchHandler {
    typealias Fetched = [(topic: String, partitions: [(partition: Int32, offset: CommittedOffset?)])]

    static let handler = ApiHandler.make(OffsetFetchRequest.self, versions: 1...9) { request, context in
        let version = context.header.apiVersion
        let groups = context.broker.groups
        if version >= 8 {
            let futures = request.groups.map { group in
                fetch(groups, groupId: group.groupId, memberId: group.memberId, memberEpoch: group.memberEpoch,
                      topics: group.topics.map { $0.map { ($0.name, $0.partitionIndexes) } })
                    .map { error, fetched in
                        OffsetFetchResponse.OffsetFetchResponseGroup(
                            groupId: group.groupId,
                            topics: fetched.map { topic in
                                .init(name: topic.topic, partitions: topic.partitions.map { p in
                                    .init(partitionIndex: p.partition, committedOffset: p.offset?.offset ?? -1,
                                          committedLeaderEpoch: p.offset?.leaderEpoch ?? -1, metadata: p.offset?.metadata ?? "",
                                          errorCode: 0)
                                })
                            },
                            errorCode: error.rawValue)
                    }
            }
            return EventLoopFuture.whenAllSucceed(futures, on: context.eventLoop).map {
                OffsetFetchResponse(throttleTimeMs: 0, groups: $0)
            }
        }
        let requested = request.topics.map { $0.map { ($0.name, $0.partitionIndexes) } }
        return fetch(groups, groupId: request.groupId, topics: requested).hop(to: context.eventLoop).map { error, fetched in
            // Before v2 there is no top-level error: each partition carries it.
            let partitionError = version < 2 ? error : .none
            let listed: Fetched = error == .none || requested == nil ? fetched
                : (requested ?? []).map { ($0.0, $0.1.map { ($0, nil) }) }
            return OffsetFetchResponse(
                throttleTimeMs: 0,
                topics: listed.map { topic in
                    .init(name: topic.topic, partitions: topic.partitions.map { p in
                        .init(partitionIndex: p.partition, committedOffset: p.offset?.offset ?? -1,
                              committedLeaderEpoch: p.offset?.leaderEpoch ?? -1, metadata: p.offset?.metadata ?? "",
                              errorCode: partitionError.rawValue)
                    })
                },
                errorCode: version >= 2 ? error.rawValue : 0)
        }
    }

    private static func fetch(_ groups: GroupCoordinator, groupId: String, memberId: String? = nil, memberEpoch: Int32 = -1,
                              topics: [(String, [Int32])]?) -> EventLoopFuture<(ErrorCode, Fetched)> {
        groups.runner(for: groupId).read(unavailable: { ($0, []) }) { shard in
            shard.fetchOffsets(groupId: groupId, memberId: memberId, memberEpoch: memberEpoch,
                               topics: topics.map { $0.map { (name: $0.0, partitions: $0.1) } })
        }
    }
}
