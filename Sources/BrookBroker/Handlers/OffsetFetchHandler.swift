import BrookCoordination
import BrookProtocol
import NIOCore

/// OffsetFetch (9), versions 0–10: one group before v8, several from v8, topics by id from v10
/// (KIP-848). Partitions without a commit answer offset -1; a null topic list (v2+) means every
/// committed partition. An unknown topic id answers UNKNOWN_TOPIC_ID on each of its partitions;
/// committed topics that no longer exist (so have no id) are left out of a v10 "all topics" answer.
/// v0 reads the coordinator like v1 (Kafka 3.9 read ZooKeeper for v0; Brook keeps v0 commits in the
/// coordinator, see `OffsetCommitHandler`).
enum OffsetFetchHandler {
    typealias Fetched = [(topic: String, partitions: [(partition: Int32, offset: CommittedOffset?)])]

    static let handler = ApiHandler.make(OffsetFetchRequest.self, versions: 0...10) { request, context in
        let version = context.header.apiVersion
        let groups = context.broker.groups
        if version >= 8 {
            let ids = version >= 10 ? TopicIds(context.broker.topics.allTopics) : nil
            let futures = request.groups.map { group in
                // v10 names topics by id: resolve the known ones, answer the others UNKNOWN_TOPIC_ID.
                let unknown = ids.map { ids in (group.topics ?? []).filter { ids.name(of: $0.topicId) == nil } } ?? []
                let topics = group.topics.map { topics in
                    topics.compactMap { t -> (String, [Int32])? in
                        guard let ids else { return (t.name, t.partitionIndexes) }
                        return ids.name(of: t.topicId).map { ($0, t.partitionIndexes) }
                    }
                }
                return fetch(groups, groupId: group.groupId, memberId: group.memberId, memberEpoch: group.memberEpoch,
                             topics: topics)
                    .map { error, fetched in
                        var answered: [OffsetFetchResponse.OffsetFetchResponseTopics] = fetched.compactMap { topic in
                            let id = ids?.id(of: topic.topic)
                            if ids != nil && id == nil { return nil }
                            return .init(name: topic.topic, topicId: id ?? .zero, partitions: topic.partitions.map { p in
                                .init(partitionIndex: p.partition, committedOffset: p.offset?.offset ?? -1,
                                      committedLeaderEpoch: p.offset?.leaderEpoch ?? -1, metadata: p.offset?.metadata ?? "",
                                      errorCode: 0)
                            })
                        }
                        if error == .none {
                            answered += unknown.map { topic in
                                .init(name: "", topicId: topic.topicId, partitions: topic.partitionIndexes.map {
                                    .init(partitionIndex: $0, committedOffset: -1, committedLeaderEpoch: -1, metadata: "",
                                          errorCode: ErrorCode.unknownTopicId.rawValue)
                                })
                            }
                        }
                        return OffsetFetchResponse.OffsetFetchResponseGroup(groupId: group.groupId, topics: answered,
                                                                            errorCode: error.rawValue)
                    }
            }
            return EventLoopFuture.whenAllSucceed(futures, on: context.eventLoop).map {
                OffsetFetchResponse(throttleTimeMs: 0, groups: $0)
            }
        }
        let requested = request.topics.map { $0.map { ($0.name, $0.partitionIndexes) } }
        return fetch(groups, groupId: request.groupId, topics: requested).hop(to: context.eventLoop).map { error, fetched in
            // Before v2 (v0 and v1) there is no top-level error: each partition carries it.
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
