import BrookCoordination
import BrookProtocol
import NIOCore

/// DeleteGroups (42), versions 0–2: only Empty groups; their offsets and metadata get tombstones.
enum DeleteGroupsHandler {
    static let handler = ApiHandler.make(DeleteGroupsRequest.self, versions: 0...2) { request, context in
        let coordinator = context.broker.groups
        var byRunner: [ObjectIdentifier: (runner: GroupShardRunner, ids: [String])] = [:]
        for id in request.groupsNames {
            let runner = coordinator.runner(for: id)
            byRunner[ObjectIdentifier(runner), default: (runner, [])].ids.append(id)
        }
        let futures = byRunner.values.map { entry in
            let ids = entry.ids
            return entry.runner.run(unavailable: { error in ids.map { ($0, error) } },
                                    failed: { _ in ids.map { ($0, ErrorCode.notCoordinator) } }) { shard, now in
                shard.deleteGroups(ids, now: now)
            }
        }
        return EventLoopFuture.whenAllSucceed(futures, on: context.eventLoop).map { results in
            var errors: [String: ErrorCode] = [:]
            for (id, error) in results.joined() { errors[id] = error }
            return DeleteGroupsResponse(throttleTimeMs: 0, results: request.groupsNames.map {
                .init(groupId: $0, errorCode: (errors[$0] ?? .unknownServerError).rawValue)
            })
        }
    }
}
