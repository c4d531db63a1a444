import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

/// Drives a `GroupCoordinatorShard` with a manual clock: applies effects, keeps armed timers,
/// collects responses by token and records appended to the log.
struct GroupHarness {
    var shard: GroupCoordinatorShard
    var now: Int64 = 1_000_000
    var timers: [GroupTimer: Int64] = [:]
    var joins: [RequestToken: JoinGroupResult] = [:]
    var syncs: [RequestToken: SyncGroupResult] = [:]
    var appended: [OffsetsTopicRecord] = []
    private var nextToken: UInt64 = 0
    private var nextSuffix = 0

    static let session: Int32 = 10_000
    static let rebalance: Int32 = 30_000

    init(initialDelay: Int32 = 0, configure: (inout GroupCoordinatorConfig) -> Void = { _ in }) {
        var config = GroupCoordinatorConfig()
        config.initialRebalanceDelayMs = initialDelay
        configure(&config)
        shard = GroupCoordinatorShard(config: config)
    }

    var group: ClassicGroup? { shard.group("g") }
    var state: ClassicGroupState? { group?.state }

    mutating func token() -> RequestToken {
        nextToken += 1
        return RequestToken(nextToken)
    }

    mutating func apply(_ effects: [GroupEffect]) {
        for effect in effects {
            switch effect {
            case .respondJoin(let token, let result):
                XCTAssertNil(joins[token], "join \(token) answered twice")
                joins[token] = result
            case .respondSync(let token, let result):
                XCTAssertNil(syncs[token], "sync \(token) answered twice")
                syncs[token] = result
            case .schedule(let timer, let deadline): timers[timer] = deadline
            case .cancel(let timer): timers.removeValue(forKey: timer)
            case .append(let records): appended += records
            }
        }
    }

    /// Fires every timer due by `now + ms`, earliest first, moving the clock to each deadline.
    mutating func advance(by ms: Int64) {
        let target = now + ms
        while let (timer, deadline) = timers.filter({ $0.value <= target }).min(by: { $0.value < $1.value }) {
            timers.removeValue(forKey: timer)
            now = max(now, deadline)
            apply(shard.timerFired(timer, now: now))
        }
        now = target
    }

    static func consumerMetadata(_ topics: [String]) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeKafkaInteger(Int16(0))
        b.writeKafkaArray(topics, compact: false) { $0.writeKafkaString($1, compact: false) }
        b.writeKafkaNullableBytes(nil, compact: false)
        return b
    }

    static func protocols(_ names: [String] = ["range"], topics: [String] = ["t"]) -> [GroupProtocol] {
        names.map { GroupProtocol(name: $0, metadata: consumerMetadata(topics)) }
    }

    /// Sends a JoinGroup; returns its token (the answer, if any, is in `joins`).
    @discardableResult
    mutating func join(member: String = "", instance: String? = nil, group: String = "g", client: String = "c",
                       protocols: [GroupProtocol] = GroupHarness.protocols(), type: String = "consumer",
                       session: Int32 = GroupHarness.session, rebalance: Int32 = GroupHarness.rebalance,
                       requireKnownMemberId: Bool = true, skipAssignment: Bool = true) -> RequestToken {
        let token = token()
        nextSuffix += 1
        let input = JoinGroupInput(
            groupId: group, memberId: member, groupInstanceId: instance, clientId: client, clientHost: "/127.0.0.1",
            sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance, protocolType: type, protocols: protocols,
            requireKnownMemberId: requireKnownMemberId, supportsSkippingAssignment: skipAssignment,
            newMemberIdSuffix: "m\(nextSuffix)")
        apply(shard.join(input, token: token, now: now))
        return token
    }

    /// A dynamic member's first join: MEMBER_ID_REQUIRED, then the rejoin (parked or answered).
    @discardableResult
    mutating func joinNew(client: String = "c", protocols: [GroupProtocol] = GroupHarness.protocols(),
                          session: Int32 = GroupHarness.session, rebalance: Int32 = GroupHarness.rebalance) -> (memberId: String, token: RequestToken) {
        let first = join(client: client, protocols: protocols, session: session, rebalance: rebalance)
        let answer = joins[first]!
        XCTAssertEqual(answer.error, .memberIdRequired)
        let second = join(member: answer.memberId, client: client, protocols: protocols, session: session, rebalance: rebalance)
        return (answer.memberId, second)
    }

    @discardableResult
    mutating func sync(member: String, generation: Int32, instance: String? = nil, protocolName: String? = nil,
                       assignments: [(String, String)] = []) -> RequestToken {
        let token = token()
        let input = SyncGroupInput(groupId: "g", generationId: generation, memberId: member, groupInstanceId: instance,
                                   protocolType: nil, protocolName: protocolName,
                                   assignments: assignments.map { ($0.0, ByteBuffer(string: $0.1)) })
        apply(shard.sync(input, token: token, now: now))
        return token
    }

    mutating func heartbeat(member: String, generation: Int32, instance: String? = nil) -> ErrorCode {
        let (error, effects) = shard.heartbeat(HeartbeatInput(groupId: "g", generationId: generation, memberId: member,
                                                              groupInstanceId: instance), now: now)
        apply(effects)
        return error
    }

    mutating func leave(_ members: [LeavingMember]) -> LeaveGroupResult {
        let (result, effects) = shard.leave(groupId: "g", members: members, now: now)
        apply(effects)
        return result
    }

    /// Builds a Stable group of `count` dynamic members (initial delay 0); returns member ids, leader first.
    mutating func stableGroup(_ count: Int) -> [String] {
        var ids: [String] = []
        var tokens: [RequestToken] = []
        for i in 0..<count {
            let (id, token) = joinNew(client: "c\(i)")
            ids.append(id)
            tokens.append(token)
        }
        advance(by: 0)
        let generation = joins[tokens[0]]!.generationId
        let leader = joins[tokens[0]]!.leader
        for id in ids where id != leader { sync(member: id, generation: generation) }
        sync(member: leader, generation: generation, assignments: ids.map { ($0, "assignment-\($0)") })
        XCTAssertEqual(state, .stable)
        return [leader] + ids.filter { $0 != leader }
    }
}
