import BrookCoordination
import BrookProtocol
import NIOCore

/// DescribeGroups (15), versions 0–6. A group that is not a classic group (unknown, or a KIP-848
/// consumer group) is reported in state Dead: with no error before v6, with GROUP_ID_NOT_FOUND and a
/// message from v6 (KIP-1043), as Kafka does.
enum DescribeGroupsHandler {
    /// READ, DELETE and DESCRIBE on a group: what any client may do without an authorizer.
    static let groupOperations: Int32 = (1 << 3) | (1 << 6) | (1 << 8)

    static let handler = ApiHandler.make(DescribeGroupsRequest.self, versions: 0...6) { request, context in
        let groups = context.broker.groups
        let version = context.header.apiVersion
        let operations = request.includeAuthorizedOperations ? groupOperations : Int32.min
        let futures = request.groups.map { groupId in
            groups.runner(for: groupId).read(unavailable: { error in
                DescribeGroupsResponse.DescribedGroup(errorCode: error.rawValue, groupId: groupId, groupState: "",
                                                      protocolType: "", protocolData: "", members: [],
                                                      authorizedOperations: operations)
            }) { shard in
                guard let classic = shard.group(groupId), classic.state != .dead else {
                    let message = shard.consumerGroups[groupId] != nil
                        ? "Group \(groupId) is not a classic group." : "Group \(groupId) not found."
                    return DescribeGroupsResponse.DescribedGroup(
                        errorCode: version >= 6 ? ErrorCode.groupIdNotFound.rawValue : 0,
                        errorMessage: version >= 6 ? message : nil, groupId: groupId, groupState: "Dead",
                        protocolType: "", protocolData: "", members: [], authorizedOperations: operations)
                }
                let group = shard.describeGroup(groupId)
                return DescribeGroupsResponse.DescribedGroup(
                    errorCode: 0, groupId: group.groupId, groupState: group.state, protocolType: group.protocolType,
                    protocolData: group.protocolData,
                    members: group.members.map { m in
                        .init(memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId,
                              clientHost: m.clientHost, memberMetadata: m.metadata, memberAssignment: m.assignment)
                    },
                    authorizedOperations: operations)
            }
        }
        return EventLoopFuture.whenAllSucceed(futures, on: context.eventLoop).map {
            DescribeGroupsResponse(throttleTimeMs: 0, groups: $0)
        }
    }
}
