import BrookCoordination
import BrookProtocol
import NIOCore

/// DescribeGroups (15), versions 0–5. Unknown groups are reported in state Dead with no error.
enum DescribeGroupsHandler {
    /// READ, DELETE and DESCRIBE on a group: what any client may do without an authorizer.
    static let groupOperations: Int32 = (1 << 3) | (1 << 6) | (1 << 8)

    static let handler = ApiHandler.make(DescribeGroupsRequest.self, versions: 0...5) { request, context in
        let groups = context.broker.groups
        let operations = request.includeAuthorizedOperations ? groupOperations : Int32.min
        let futures = request.groups.map { groupId in
            groups.runner(for: groupId).read(unavailable: { error in
                DescribeGroupsResponse.DescribedGroup(errorCode: error.rawValue, groupId: groupId, groupState: "",
                                                      protocolType: "", protocolData: "", members: [],
                                                      authorizedOperations: operations)
            }) { shard in
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
