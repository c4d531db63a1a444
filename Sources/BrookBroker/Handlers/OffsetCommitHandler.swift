import BrookCoordination
import BrookProtocol
import NIOCore

/// OffsetCommit (8), versions 0–9. Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION; the
/// rest go to the group coordinator, which answers once the commit is durable in `__consumer_offsets`.
///
/// v0 carries no generation or member, so it is a simple (generation -1) commit. Kafka 3.9 with
/// ZooKeeper writes v0 commits to ZooKeeper, where only OffsetFetch v0 reads them, and in KRaft mode
/// answers UNSUPPORTED_VERSION; Brook has no ZooKeeper and stores them in the coordinator like v1,
/// so every OffsetFetch version sees them. v1 adds the generation and member (checked as for v2+)
/// and a per-partition commit timestamp (-1: now).
enum OffsetCommitHandler {
    static let handler = ApiHandler.make(OffsetCommitRequest.self, versions: 0...9) { request, context in
        let broker = context.broker
        // Which (topic index, partition index) pairs are committed, in request order.
        var accepted: [(topic: Int, partition: Int)] = []
        var errors: [[ErrorCode]] = request.topics.map { Array(repeating: .unknownTopicOrPartition, count: $0.partitions.count) }
        var partitions: [OffsetCommitInput.Partition] = []
        for (t, topic) in request.topics.enumerated() {
            guard let known = broker.topics.topic(named: topic.name) else { continue }
            for (p, partition) in topic.partitions.enumerated() where known.hasPartition(partition.partitionIndex) {
                accepted.append((t, p))
                partitions.append(.init(topic: topic.name, partition: partition.partitionIndex,
                                        offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch,
                                        metadata: partition.committedMetadata, commitTimestamp: partition.commitTimestamp))
            }
        }
        let input = OffsetCommitInput(
            groupId: request.groupId, generationIdOrMemberEpoch: request.generationIdOrMemberEpoch,
            memberId: request.memberId, groupInstanceId: request.groupInstanceId,
            retentionTimeMs: request.retentionTimeMs, apiVersion: context.header.apiVersion, partitions: partitions)
        let committed: EventLoopFuture<[ErrorCode]>
        if partitions.isEmpty {
            committed = context.eventLoop.makeSucceededFuture([])
        } else {
            let count = partitions.count
            committed = broker.groups.runner(for: request.groupId).run(
                unavailable: { Array(repeating: $0, count: count) },
                failed: { _ in Array(repeating: .notCoordinator, count: count) }
            ) { shard, now in
                shard.commitOffsets(input, now: now)
            }.hop(to: context.eventLoop)
        }
        let positions = accepted
        let unknown = errors
        return committed.map { results in
            var errors = unknown
            for (index, position) in positions.enumerated() { errors[position.topic][position.partition] = results[index] }
            return OffsetCommitResponse(throttleTimeMs: 0, topics: request.topics.enumerated().map { t, topic in
                .init(name: topic.name, partitions: topic.partitions.enumerated().map { p, partition in
                    .init(partitionIndex: partition.partitionIndex, errorCode: errors[t][p].rawValue)
                })
            })
        }
    }
}
