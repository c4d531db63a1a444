import BrookCoordination
import BrookProtocol
import NIOCore

/// ListGroups (16), versions 0–5: every group of every shard this broker coordinates (in a cluster,
/// those whose partitions it leads), filtered by state (v4+) and type (v5+).
enum ListGroupsHandler {
    static let handler = ApiHandler.make(ListGroupsRequest.self, versions: 0...5) { request, context in
        let runners = context.broker.groups.runners
        let states = request.statesFilter
        let types = request.typesFilter
        let futures = runners.map { runner in
            runner.readIfLeading(notLeading: { (nil, []) }, unavailable: { (ErrorCode?.some($0), [ListedGroup]()) }) { shard in
                (nil, shard.listGroups(statesFilter: states, typesFilter: types))
            }
        }
        return EventLoopFuture.whenAllSucceed(futures, on: context.eventLoop).map { results in
            let error = results.compactMap(\.0).first ?? .none
            let listed = error == .none ? results.flatMap(\.1).sorted { $0.groupId < $1.groupId } : []
            return ListGroupsResponse(throttleTimeMs: 0, errorCode: error.rawValue, groups: listed.map {
                .init(groupId: $0.groupId, protocolType: $0.protocolType, groupState: $0.state, groupType: $0.type)
            })
        }
    }
}
