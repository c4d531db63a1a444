import BrookCoordination
import BrookProtocol
import NIOCore

/// SyncGroup (14), versions 0–5. Followers are parked until the leader's assignment arrives; the
/// response always carries the member's assignment bytes (empty on errors).
enum SyncGroupHandler {
    static let handler = ApiHandler.make(SyncGroupRequest.self, versions: 0...5) { request, context in
        let input = SyncGroupInput(
            groupId: request.groupId, generationId: request.generationId, memberId: request.memberId,
            groupInstanceId: request.groupInstanceId, protocolType: request.protocolType,
            protocolName: request.protocolName,
            assignments: request.assignments.map { ($0.memberId, $0.assignment) })
        let runner = context.broker.groups.runner(for: request.groupId)
        return runner.sync(input).hop(to: context.eventLoop).map { result in
            SyncGroupResponse(throttleTimeMs: 0, errorCode: result.error.rawValue, protocolType: result.protocolType,
                              protocolName: result.protocolName, assignment: result.assignment)
        }
    }
}
