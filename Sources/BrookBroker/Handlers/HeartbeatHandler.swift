import BrookCoordination
import BrookProtocol
import NIOCore

/// Heartbeat (12), versions 0–4. While the coordinator loads, heartbeats are answered NONE, as Kafka does.
enum HeartbeatHandler {
    static let handler = ApiHandler.make(HeartbeatRequest.self, versions: 0...4) { request, context in
        let input = HeartbeatInput(groupId: request.groupId, generationId: request.generationId,
                                   memberId: request.memberId, groupInstanceId: request.groupInstanceId)
        let runner = context.broker.groups.runner(for: request.groupId)
        return runner.run(unavailable: { $0 == .coordinatorLoadInProgress ? ErrorCode.none : $0 },
                          failed: { _ in ErrorCode.notCoordinator }) { shard, now in
            shard.heartbeat(input, now: now)
        }.hop(to: context.eventLoop).map { error in
            HeartbeatResponse(throttleTimeMs: 0, errorCode: error.rawValue)
        }
    }
}
