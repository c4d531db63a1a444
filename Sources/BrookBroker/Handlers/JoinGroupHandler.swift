import BrookCoordination
import BrookProtocol
import NIOCore

/// JoinGroup (11), versions 0–9. The response is parked in the group coordinator until the join
/// phase ends (or answered at once for errors, MEMBER_ID_REQUIRED and current-generation rejoins).
enum JoinGroupHandler {
    static let handler = ApiHandler.make(JoinGroupRequest.self, versions: 0...9) { request, context in
        let version = context.header.apiVersion
        let input = JoinGroupInput(
            groupId: request.groupId, memberId: request.memberId, groupInstanceId: request.groupInstanceId,
            clientId: context.header.clientId ?? "", clientHost: context.clientHost,
            sessionTimeoutMs: request.sessionTimeoutMs,
            // v0 has no rebalance timeout; Kafka uses the session timeout.
            rebalanceTimeoutMs: version == 0 ? request.sessionTimeoutMs : request.rebalanceTimeoutMs,
            protocolType: request.protocolType,
            protocols: request.protocols.map { GroupProtocol(name: $0.name, metadata: $0.metadata) },
            requireKnownMemberId: version >= 4, supportsSkippingAssignment: version >= 9,
            newMemberIdSuffix: GroupCoordinator.newMemberIdSuffix())
        let runner = context.broker.groups.runner(for: request.groupId)
        return runner.join(input).hop(to: context.eventLoop).map { result in
            response(result, version: version)
        }
    }

    static func response(_ result: JoinGroupResult, version: Int16) -> JoinGroupResponse {
        JoinGroupResponse(
            throttleTimeMs: 0, errorCode: result.error.rawValue, generationId: result.generationId,
            protocolType: result.protocolType,
            // Not nullable before v7.
            protocolName: version >= 7 ? result.protocolName : (result.protocolName ?? ""),
            leader: result.leader, skipAssignment: result.skipAssignment, memberId: result.memberId,
            members: result.members.map { .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, metadata: $0.metadata) })
    }
}
