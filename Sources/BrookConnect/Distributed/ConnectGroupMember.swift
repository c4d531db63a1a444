import BrookClient
import BrookProtocol
import Logging
import NIOCore

/// A worker's membership in the Connect group (protocol type `connect`) through the group
/// coordinator: JoinGroup/SyncGroup with `ConnectProtocol` metadata, heartbeats, LeaveGroup. The
/// coordinator picks the leader and tells a member when the group rebalances; a member that stops
/// heartbeating for `sessionTimeout` is dropped and its work goes to the others.
actor ConnectGroupMember {
    /// A completed JoinGroup.
    struct Joined: Sendable {
        var generation: Int32
        var memberID: String
        var leaderID: String
        /// Every member's metadata; only the leader gets it.
        var members: [ConnectWorkAssignor.Member]
        var isLeader: Bool { leaderID == memberID }
    }

    /// Why a call must be tried again (after finding the coordinator again when `coordinatorMoved`).
    struct Retry: Error {
        var code: ErrorCode
    }

    private let cluster: KafkaCluster
    private let groupID: String
    private let sessionTimeout: Duration
    private let rebalanceTimeout: Duration
    private let logger: Logger
    private(set) var memberID = ""
    private(set) var generation: Int32 = -1

    init(cluster: KafkaCluster, groupID: String, sessionTimeout: Duration, rebalanceTimeout: Duration, logger: Logger) {
        self.cluster = cluster
        self.groupID = groupID
        self.sessionTimeout = sessionTimeout
        self.rebalanceTimeout = rebalanceTimeout
        self.logger = logger
    }

    func join(_ state: ConnectProtocol.WorkerState) async throws -> Joined {
        let connection = try await coordinator()
        while true {
            let request = JoinGroupRequest(
                groupId: groupID, sessionTimeoutMs: Self.millis(sessionTimeout), rebalanceTimeoutMs: Self.millis(rebalanceTimeout),
                memberId: memberID, groupInstanceId: nil, protocolType: ConnectProtocol.protocolType,
                protocols: [.init(name: ConnectProtocol.protocolName, metadata: state.encode())])
            let response = try await connection.send(request, extraTimeout: rebalanceTimeout)
            let code = ErrorCode(rawValue: response.errorCode) ?? .unknownServerError
            if code == .memberIdRequired {
                memberID = response.memberId
                continue
            }
            try react(code, context: "join group \(groupID)")
            memberID = response.memberId
            generation = response.generationId
            var members: [ConnectWorkAssignor.Member] = []
            for member in response.members {
                do {
                    members.append(.init(memberID: member.memberId, state: try ConnectProtocol.WorkerState(decoding: member.metadata)))
                } catch {
                    logger.warning("ignoring a group member with unreadable metadata", metadata: ["member": "\(member.memberId)", "error": "\(error)"])
                }
            }
            return Joined(generation: response.generationId, memberID: response.memberId, leaderID: response.leader, members: members)
        }
    }

    /// Sends the leader's plan (empty for followers) and returns this member's assignment.
    func sync(_ joined: Joined, assignments: [String: ConnectProtocol.Assignment]) async throws -> ConnectProtocol.Assignment {
        let connection = try await coordinator()
        let request = SyncGroupRequest(
            groupId: groupID, generationId: joined.generation, memberId: joined.memberID, groupInstanceId: nil,
            protocolType: ConnectProtocol.protocolType, protocolName: ConnectProtocol.protocolName,
            assignments: assignments.sorted { $0.key < $1.key }.map { .init(memberId: $0.key, assignment: $0.value.encode()) })
        let response = try await connection.send(request, extraTimeout: rebalanceTimeout)
        try react(ErrorCode(rawValue: response.errorCode) ?? .unknownServerError, context: "sync group \(groupID)")
        return try ConnectProtocol.Assignment(decoding: response.assignment)
    }

    /// One heartbeat; false when the group is rebalancing (or forgot this member) and it must rejoin.
    func heartbeat() async throws -> Bool {
        let connection = try await coordinator()
        let response = try await connection.send(HeartbeatRequest(
            groupId: groupID, generationId: generation, memberId: memberID, groupInstanceId: nil))
        let code = ErrorCode(rawValue: response.errorCode) ?? .unknownServerError
        switch code {
        case .none: return true
        case .rebalanceInProgress: return false
        default:
            do {
                try react(code, context: "heartbeat in group \(groupID)")
            } catch is Retry {
                return false
            }
            return false
        }
    }

    /// Leaves the group so the others rebalance at once instead of after the session timeout.
    func leave() async {
        guard !memberID.isEmpty else { return }
        do {
            let connection = try await coordinator()
            let version = try connection.version(for: .leaveGroup)
            let request = version >= 3
                ? LeaveGroupRequest(groupId: groupID, members: [.init(memberId: memberID, groupInstanceId: nil, reason: "worker stopping")])
                : LeaveGroupRequest(groupId: groupID, memberId: memberID)
            _ = try await connection.send(request, version: version)
        } catch {
            logger.debug("leaving the connect group failed", metadata: ["error": "\(error)"])
        }
        memberID = ""
        generation = -1
    }

    private func coordinator() async throws -> BrokerConnection {
        try await cluster.groupCoordinator(for: groupID)
    }

    /// Folds a group error into this member's state: throws `Retry` for what a rejoin or a new
    /// coordinator cures, and a client error for the rest.
    private func react(_ code: ErrorCode, context: String) throws {
        switch code {
        case .none:
            return
        case .unknownMemberId, .illegalGeneration, .fencedInstanceId:
            memberID = ""
            generation = -1
            throw Retry(code: code)
        case .notCoordinator, .coordinatorNotAvailable:
            Task { await cluster.invalidateCoordinator(for: groupID) }
            throw Retry(code: code)
        case .rebalanceInProgress, .coordinatorLoadInProgress, .concurrentTransactions:
            throw Retry(code: code)
        default:
            throw KafkaClientError.server(code, message: nil, context: context)
        }
    }

    private static func millis(_ duration: Duration) -> Int32 {
        Int32(clamping: duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
