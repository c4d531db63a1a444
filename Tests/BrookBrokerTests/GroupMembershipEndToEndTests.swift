import BrookBroker
import BrookCoordination
import BrookProtocol
import NIOCore
import XCTest

/// Sending a request now and reading its response later, for requests the broker parks.
extension RawKafkaClient {
    func post<M: KafkaMessage>(_ message: M, version: Int16) {
        let (frame, _) = self.frame(message, version: version)
        sendRaw(frame)
    }

    func receive<Req: KafkaMessage, Resp: KafkaMessage>(_ request: Req.Type, version: Int16, as: Resp.Type) throws -> Resp {
        guard var body = readFrame() else { throw ConfigError("connection closed") }
        _ = try ResponseHeader(from: &body, headerVersion: Req.apiKey.responseHeaderVersion(apiVersion: version))
        return try Resp(from: &body, version: version)
    }
}

/// Helpers shared by the group end-to-end tests.
enum GroupTestSupport {
    static func broker(dataDir: String = TestBroker.makeTempDir(), delay: Int32 = 0) async throws -> TestBroker {
        let broker = try await TestBroker(dataDir: dataDir) { config in
            config.groupCoordinator.initialRebalanceDelayMs = delay
            config.groupCoordinator.offsetsTopicPartitions = 4
        }
        try await broker.broker.groups.loadedFuture.get()
        try await broker.broker.transactions.loadedFuture.get()  // FindCoordinator tests ask for both kinds
        return broker
    }

    static func subscription(_ topics: [String]) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeKafkaInteger(Int16(0))
        b.writeKafkaArray(topics, compact: false) { $0.writeKafkaString($1, compact: false) }
        b.writeKafkaNullableBytes(nil, compact: false)
        return b
    }

    static func joinRequest(group: String, member: String = "", instance: String? = nil) -> JoinGroupRequest {
        JoinGroupRequest(groupId: group, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: member,
                         groupInstanceId: instance, protocolType: "consumer",
                         protocols: [.init(name: "range", metadata: subscription(["t"]))])
    }

    /// The MEMBER_ID_REQUIRED round trip, then the real join (answered once the group forms).
    static func join(_ client: RawKafkaClient, group: String, version: Int16 = 5) throws -> JoinGroupResponse {
        let first = try client.request(joinRequest(group: group), version: version, as: JoinGroupResponse.self)
        XCTAssertEqual(first.errorCode, ErrorCode.memberIdRequired.rawValue)
        return try client.request(joinRequest(group: group, member: first.memberId), version: version, as: JoinGroupResponse.self)
    }
}

final class GroupMembershipEndToEndTests: XCTestCase {
    func testFindCoordinatorSingleAndBatched() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            for version: Int16 in 0...3 {
                let response = try client.request(FindCoordinatorRequest(key: "g", keyType: 0), version: version,
                                                  as: FindCoordinatorResponse.self)
                XCTAssertEqual(response.errorCode, 0, "v\(version)")
                XCTAssertEqual(response.nodeId, 0)
                XCTAssertEqual(response.host, "127.0.0.1")
                XCTAssertEqual(Int(response.port), broker.broker.config.advertised.port)
            }
            let txn = try client.request(FindCoordinatorRequest(key: "tx", keyType: 1), version: 3, as: FindCoordinatorResponse.self)
            XCTAssertEqual(txn.errorCode, 0)
            XCTAssertEqual(Int(txn.port), broker.broker.config.advertised.port)
            let batched = try client.request(FindCoordinatorRequest(keyType: 0, coordinatorKeys: ["a", "b"]), version: 4,
                                             as: FindCoordinatorResponse.self)
            XCTAssertEqual(batched.coordinators.map(\.key), ["a", "b"])
            XCTAssertEqual(batched.coordinators.map(\.errorCode), [0, 0])
            XCTAssertEqual(Int(batched.coordinators[0].port), broker.broker.config.advertised.port)
        }
        try await broker.stop()
    }

    func testGroupLifecycleOverTheNonFlexibleAndFlexibleEncodings() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            let client = try RawKafkaClient(port: broker.port)
            // librdkafka's versions, then the Java client's.
            for (join, sync, heartbeat, leave, group) in [(Int16(5), Int16(3), Int16(3), Int16(1), "rd"), (9, 5, 4, 5, "java")] {
                let joined = try GroupTestSupport.join(client, group: group, version: join)
                XCTAssertEqual(joined.errorCode, 0)
                XCTAssertEqual(joined.generationId, 1)
                XCTAssertEqual(joined.leader, joined.memberId)
                XCTAssertEqual(joined.protocolName, "range")
                XCTAssertEqual(joined.members.map(\.memberId), [joined.memberId])
                let assignment = ByteBuffer(string: "my-partitions")
                let synced = try client.request(
                    SyncGroupRequest(groupId: group, generationId: 1, memberId: joined.memberId, protocolType: "consumer",
                                     protocolName: "range", assignments: [.init(memberId: joined.memberId, assignment: assignment)]),
                    version: sync, as: SyncGroupResponse.self)
                XCTAssertEqual(synced.errorCode, 0)
                XCTAssertEqual(synced.assignment, assignment)
                let beat = try client.request(HeartbeatRequest(groupId: group, generationId: 1, memberId: joined.memberId),
                                              version: heartbeat, as: HeartbeatResponse.self)
                XCTAssertEqual(beat.errorCode, 0)
                let stale = try client.request(HeartbeatRequest(groupId: group, generationId: 0, memberId: joined.memberId),
                                               version: heartbeat, as: HeartbeatResponse.self)
                XCTAssertEqual(stale.errorCode, ErrorCode.illegalGeneration.rawValue)
                let request = leave >= 3
                    ? LeaveGroupRequest(groupId: group, members: [.init(memberId: joined.memberId), .init(memberId: "ghost")])
                    : LeaveGroupRequest(groupId: group, memberId: joined.memberId)
                let left = try client.request(request, version: leave, as: LeaveGroupResponse.self)
                XCTAssertEqual(left.errorCode, 0)
                if leave >= 3 {
                    XCTAssertEqual(left.members.map(\.errorCode), [0, ErrorCode.unknownMemberId.rawValue])
                }
                let gone = try client.request(HeartbeatRequest(groupId: group, generationId: 1, memberId: joined.memberId),
                                              version: heartbeat, as: HeartbeatResponse.self)
                XCTAssertEqual(gone.errorCode, ErrorCode.unknownMemberId.rawValue)
            }
        }
        try await broker.stop()
    }

    func testSecondMemberTriggersRebalanceAndBothGetTheNewGeneration() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        do {
            let a = try RawKafkaClient(port: broker.port)
            let b = try RawKafkaClient(port: broker.port)
            let first = try GroupTestSupport.join(a, group: "pair")
            _ = try a.request(SyncGroupRequest(groupId: "pair", generationId: 1, memberId: first.memberId,
                                               assignments: [.init(memberId: first.memberId, assignment: ByteBuffer(string: "all"))]),
                              version: 3, as: SyncGroupResponse.self)
            // b asks for an id, then joins: its JoinGroup is parked until a rejoins.
            let idAnswer = try b.request(GroupTestSupport.joinRequest(group: "pair"), version: 5, as: JoinGroupResponse.self)
            b.post(GroupTestSupport.joinRequest(group: "pair", member: idAnswer.memberId), version: 5)
            var beat = HeartbeatResponse()
            for _ in 0..<50 {
                beat = try a.request(HeartbeatRequest(groupId: "pair", generationId: 1, memberId: first.memberId), version: 3,
                                     as: HeartbeatResponse.self)
                if beat.errorCode != 0 { break }
            }
            XCTAssertEqual(beat.errorCode, ErrorCode.rebalanceInProgress.rawValue)
            let rejoined = try a.request(GroupTestSupport.joinRequest(group: "pair", member: first.memberId), version: 5,
                                         as: JoinGroupResponse.self)
            let joinedB = try b.receive(JoinGroupRequest.self, version: 5, as: JoinGroupResponse.self)
            XCTAssertEqual(rejoined.generationId, 2)
            XCTAssertEqual(joinedB.generationId, 2)
            XCTAssertEqual(joinedB.errorCode, 0)
            XCTAssertEqual(rejoined.leader, first.memberId)
            XCTAssertEqual(Set(rejoined.members.map(\.memberId)), [first.memberId, idAnswer.memberId])
            // The follower's SyncGroup waits for the leader's.
            b.post(SyncGroupRequest(groupId: "pair", generationId: 2, memberId: joinedB.memberId), version: 3)
            _ = try a.request(SyncGroupRequest(groupId: "pair", generationId: 2, memberId: first.memberId, assignments: [
                .init(memberId: first.memberId, assignment: ByteBuffer(string: "A")),
                .init(memberId: joinedB.memberId, assignment: ByteBuffer(string: "B")),
            ]), version: 3, as: SyncGroupResponse.self)
            let syncedB = try b.receive(SyncGroupRequest.self, version: 3, as: SyncGroupResponse.self)
            XCTAssertEqual(syncedB.assignment, ByteBuffer(string: "B"))

            let described = try a.request(DescribeGroupsRequest(groups: ["pair", "nope"]), version: 5, as: DescribeGroupsResponse.self)
            XCTAssertEqual(described.groups.map(\.groupState), ["Stable", "Dead"])
            XCTAssertEqual(described.groups[0].protocolData, "range")
            XCTAssertEqual(described.groups[0].members.count, 2)
            XCTAssertEqual(described.groups[0].members.first { $0.memberId == joinedB.memberId }?.memberAssignment, ByteBuffer(string: "B"))
        }
        try await broker.stop()
    }

    func testShutdownAnswersParkedJoins() async throws {
        let broker = try await GroupTestSupport.broker(delay: 60_000)
        defer { broker.removeData() }
        let client = try RawKafkaClient(port: broker.port)
        let id = try client.request(GroupTestSupport.joinRequest(group: "slow"), version: 5, as: JoinGroupResponse.self).memberId
        client.post(GroupTestSupport.joinRequest(group: "slow", member: id), version: 5)
        // Make sure the join is parked before stopping (the other connection may overtake it).
        let observer = try RawKafkaClient(port: broker.port)
        var state = ""
        for _ in 0..<1000 where state != "PreparingRebalance" {
            state = try observer.request(DescribeGroupsRequest(groups: ["slow"]), version: 0, as: DescribeGroupsResponse.self)
                .groups.first?.groupState ?? ""
        }
        XCTAssertEqual(state, "PreparingRebalance")
        let started = Date()
        try await broker.stop()
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "shutdown must not wait for the 60 s initial delay")
        let answer = try client.receive(JoinGroupRequest.self, version: 5, as: JoinGroupResponse.self)
        XCTAssertEqual(answer.errorCode, ErrorCode.notCoordinator.rawValue)
    }
}
