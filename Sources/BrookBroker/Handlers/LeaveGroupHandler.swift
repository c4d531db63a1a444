import BrookCoordination
import BrookProtocol
import NIOCore

/// LeaveGroup (13), versions 0–5: one member by id before v3, a batch of members (by id or by
/// group.instance.id) from v3. Before v3 a member's error is the top-level error.
enum LeaveGroupHandler {
    static let handler = ApiHandler.make(LeaveGroupRequest.self, versions: 0...5) { request, context in
        let version = context.header.apiVersion
        let leaving = version >= 3
            ? request.members.map { LeavingMember(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId) }
            : [LeavingMember(memberId: request.memberId)]
        let groupId = request.groupId
        let runner = context.broker.groups.runner(for: groupId)
        return runner.run(unavailable: { LeaveGroupResult(error: $0, members: []) },
                          failed: { _ in LeaveGroupResult(error: .notCoordinator, members: []) }) { shard, now in
            shard.leave(groupId: groupId, members: leaving, now: now)
        }.hop(to: context.eventLoop).map { result in
            var response = LeaveGroupResponse(throttleTimeMs: 0, errorCode: result.error.rawValue)
            if version >= 3 {
                if result.error == .none {
                    response.members = result.members.map {
                        .init(memberId: $0.memberId, groupInstanceId: $0.groupInstanceId, errorCode: $0.error.rawValue)
                    }
                }
            } else if result.error == .none, let member = result.members.first {
                response.errorCode = member.error.rawValue
            }
            return response
        }
    }
}
