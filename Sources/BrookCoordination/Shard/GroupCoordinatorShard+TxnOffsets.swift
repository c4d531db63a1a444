import BrookProtocol

/// TxnOffsetCommit: offsets committed inside a transaction. They are checked like an OffsetCommit but
/// not applied: the shell writes the records in the producer's transaction and replays them into the
/// shard only when the commit marker reaches `__consumer_offsets` (an abort drops them).
extension GroupCoordinatorShard {
    /// One error per partition, in request order, and the records to write for the accepted ones.
    /// A generation/member given by the client (KIP-447) is checked against the group's.
    public func transactionalOffsetRecords(_ request: OffsetCommitInput, now: Int64) -> ([ErrorCode], [OffsetsTopicRecord]) {
        let all = { (code: ErrorCode) in (Array(repeating: code, count: request.partitions.count), [OffsetsTopicRecord]()) }
        if request.groupId.isEmpty { return all(.invalidGroupId) }
        if let consumer = consumerGroups[request.groupId], request.generationIdOrMemberEpoch >= 0,
           let error = consumer.validateOffsetCommit(memberId: request.memberId, memberEpoch: request.generationIdOrMemberEpoch,
                                                     apiVersion: 9) {
            return all(error)
        }
        if let group = groups[request.groupId], request.generationIdOrMemberEpoch >= 0,
           let error = group.validateOffsetCommit(memberId: request.memberId, instanceId: request.groupInstanceId,
                                                  generationId: request.generationIdOrMemberEpoch) {
            return all(error)
        }
        let (errors, accepted) = acceptedOffsets(request, now: now, expireTimestamp: nil)
        return (errors, accepted.map { .offsetCommit(group: request.groupId, $0.0, $0.1) })
    }
}
