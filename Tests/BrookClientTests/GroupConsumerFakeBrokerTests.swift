@testable import BrookClient
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// The classic group protocol against constructed coordinator responses (the real broker does not
/// implement groups yet).
final class GroupConsumerFakeBrokerTests: XCTestCase {
    /// A one-group coordinator script: join (MEMBER_ID_REQUIRED first), sync, heartbeat, offsets.
    final class Script: Sendable {
        struct State {
            var generation: Int32 = 0
            var heartbeatError: ErrorCode = .none
            var syncErrors: [ErrorCode] = []
            var leader: String?
            var otherMembers: [JoinGroupResponse.JoinGroupResponseMember] = []
            var assignmentForFollower = ConsumerAssignment(partitions: [])
            var committed: [TopicPartition: Int64] = [:]
        }
        let state = Locked(State())
    }

    private func start(partitions: Int = 3, script: Script) throws -> FakeBroker {
        let fake = try FakeBroker(versions: [
            .metadata: 0...12, .fetch: 4...12, .listOffsets: 1...7, .findCoordinator: 0...4, .joinGroup: 0...9,
            .syncGroup: 0...5, .heartbeat: 0...4, .leaveGroup: 0...5, .offsetCommit: 0...9, .offsetFetch: 0...9,
        ])
        fake.on(MetadataRequest.self) { _, _ in fake.metadata(["t": partitions]) }
        fake.on(FindCoordinatorRequest.self) { request, _ in
            XCTAssertEqual(request.coordinatorKeys, ["g"])
            return FindCoordinatorResponse(coordinators: [.init(key: "g", nodeId: fake.nodeId, host: "127.0.0.1", port: Int32(fake.port), errorCode: 0, errorMessage: nil)])
        }
        fake.on(JoinGroupRequest.self) { request, _ in
            if request.memberId.isEmpty {
                return JoinGroupResponse(errorCode: ErrorCode.memberIdRequired.rawValue, memberId: "member-1")
            }
            return script.state.withLock { state in
                state.generation += 1
                let leader = state.leader ?? request.memberId
                let me = JoinGroupResponse.JoinGroupResponseMember(memberId: request.memberId, metadata: request.protocols[0].metadata)
                return JoinGroupResponse(
                    generationId: state.generation, protocolType: "consumer", protocolName: request.protocols[0].name,
                    leader: leader, memberId: request.memberId, members: leader == request.memberId ? [me] + state.otherMembers : [])
            }
        }
        fake.on(SyncGroupRequest.self) { request, _ in
            script.state.withLock { state in
                if !state.syncErrors.isEmpty { return SyncGroupResponse(errorCode: state.syncErrors.removeFirst().rawValue) }
                let mine = request.assignments.first { $0.memberId == request.memberId }?.assignment
                return SyncGroupResponse(protocolType: "consumer", protocolName: request.protocolName,
                                         assignment: mine ?? state.assignmentForFollower.encode())
            }
        }
        fake.on(HeartbeatRequest.self) { _, _ in
            script.state.withLock { state in
                defer { state.heartbeatError = .none }
                return HeartbeatResponse(errorCode: state.heartbeatError.rawValue)
            }
        }
        fake.on(OffsetFetchRequest.self) { request, _ in
            let committed = script.state.withLock { $0.committed }
            let topics = request.groups[0].topics ?? []
            return OffsetFetchResponse(groups: [.init(groupId: "g", topics: topics.map { topic in
                .init(name: topic.name, partitions: topic.partitionIndexes.map {
                    .init(partitionIndex: $0, committedOffset: committed[TopicPartition(topic.name, $0)] ?? -1, metadata: nil)
                })
            })])
        }
        fake.on(OffsetCommitRequest.self) { request, _ in
            script.state.withLock { state in
                for topic in request.topics {
                    for partition in topic.partitions { state.committed[TopicPartition(topic.name, partition.partitionIndex)] = partition.committedOffset }
                }
            }
            return OffsetCommitResponse(topics: request.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitions.map { .init(partitionIndex: $0.partitionIndex, errorCode: 0) })
            })
        }
        fake.on(ListOffsetsRequest.self) { request, _ in
            ListOffsetsResponse(topics: request.topics.map { topic in
                .init(name: topic.name, partitions: topic.partitions.map { .init(partitionIndex: $0.partitionIndex, errorCode: 0, timestamp: -1, offset: 0) })
            })
        }
        fake.on(FetchRequest.self) { request, _ in
            FetchResponse(responses: request.topics.map { topic in
                .init(topic: topic.topic, partitions: topic.partitions.map {
                    .init(partitionIndex: $0.partition, errorCode: 0, highWatermark: $0.fetchOffset, lastStableOffset: $0.fetchOffset, records: ByteBuffer())
                })
            })
        }
        fake.on(LeaveGroupRequest.self) { request, _ in
            LeaveGroupResponse(members: request.members.map { .init(memberId: $0.memberId, groupInstanceId: nil, errorCode: 0) })
        }
        return fake
    }

    private func consumer(_ fake: FakeBroker, assignors: [any PartitionAssignor] = [RangeAssignor()]) throws -> KafkaConsumer {
        var client = ClientConfig(bootstrapServers: [fake.address])
        client.retryBackoff = .milliseconds(5)
        var config = ConsumerConfig(client: client, groupId: "g")
        config.autoOffsetReset = .earliest
        config.heartbeatInterval = .milliseconds(50)
        config.fetchMaxWait = .milliseconds(10)
        config.assignors = assignors
        return try KafkaConsumer(config: config)
    }

    func testLeaderJoinsAssignsAndStartsFromCommittedOffsets() async throws {
        let script = Script()
        script.state.withLock { $0.committed = [TopicPartition("t", 0): 5] }
        let fake = try start(script: script)
        defer { fake.shutdown() }
        let consumer = try consumer(fake)
        try await consumer.subscribe(["t"])
        _ = try await consumer.poll(timeout: .milliseconds(100))

        let assignment = await consumer.assignment
        XCTAssertEqual(assignment, (0..<3).map { TopicPartition("t", $0) })
        let joins = fake.requests(JoinGroupRequest.self)
        XCTAssertEqual(joins.map(\.0.memberId), ["", "member-1"], "MEMBER_ID_REQUIRED, then rejoin with the id")
        XCTAssertEqual(joins[1].0.protocolType, "consumer")
        XCTAssertEqual(joins[1].0.protocols.map(\.name), ["range"])
        XCTAssertEqual(try ConsumerSubscription(decoding: joins[1].0.protocols[0].metadata).topics, ["t"])
        let sync = try XCTUnwrap(fake.requests(SyncGroupRequest.self).first?.0)
        XCTAssertEqual(sync.generationId, 1)
        XCTAssertEqual(sync.protocolName, "range")
        XCTAssertEqual(try ConsumerAssignment(decoding: sync.assignments[0].assignment).partitions.count, 3)

        let fetch = try XCTUnwrap(fake.requests(FetchRequest.self).last?.0)
        let offsets = Dictionary(uniqueKeysWithValues: fetch.topics[0].partitions.map { ($0.partition, $0.fetchOffset) })
        XCTAssertEqual(offsets, [0: 5, 1: 0, 2: 0], "committed offset for p0, earliest for the rest")
        let generation = await consumer.groupGeneration
        XCTAssertEqual(generation?.generation, 1)
        await consumer.close()
        XCTAssertEqual(fake.requests(LeaveGroupRequest.self).count, 1)
        let committed = script.state.withLock { $0.committed }
        XCTAssertEqual(committed, [TopicPartition("t", 0): 5, TopicPartition("t", 1): 0, TopicPartition("t", 2): 0],
                       "close commits the positions")
    }

    func testFollowerTakesTheAssignmentFromSyncGroup() async throws {
        let script = Script()
        script.state.withLock {
            $0.leader = "someone-else"
            $0.assignmentForFollower = ConsumerAssignment(partitions: [TopicPartition("t", 1)])
        }
        let fake = try start(script: script)
        defer { fake.shutdown() }
        let consumer = try consumer(fake)
        try await consumer.subscribe(["t"])
        _ = try await consumer.poll(timeout: .milliseconds(100))
        let assignment = await consumer.assignment
        XCTAssertEqual(assignment, [TopicPartition("t", 1)])
        XCTAssertEqual(fake.requests(SyncGroupRequest.self).first?.0.assignments, [], "followers send no assignments")
        await consumer.close()
    }

    func testLeaderAssignsOtherMembersWithTheChosenAssignor() async throws {
        let script = Script()
        let other = ConsumerSubscription(topics: ["t"]).encode()
        script.state.withLock { $0.otherMembers = [.init(memberId: "member-0", metadata: other)] }
        let fake = try start(partitions: 4, script: script)
        defer { fake.shutdown() }
        let consumer = try consumer(fake, assignors: [RoundRobinAssignor()])
        try await consumer.subscribe(["t"])
        _ = try await consumer.poll(timeout: .milliseconds(100))
        let sync = try XCTUnwrap(fake.requests(SyncGroupRequest.self).first?.0)
        var plan: [String: [TopicPartition]] = [:]
        for entry in sync.assignments { plan[entry.memberId] = try ConsumerAssignment(decoding: entry.assignment).partitions }
        XCTAssertEqual(plan["member-0"], [TopicPartition("t", 0), TopicPartition("t", 2)])
        XCTAssertEqual(plan["member-1"], [TopicPartition("t", 1), TopicPartition("t", 3)])
        let assignment = await consumer.assignment
        XCTAssertEqual(assignment, [TopicPartition("t", 1), TopicPartition("t", 3)])
        await consumer.close()
    }

    func testHeartbeatRebalanceMakesThePollRejoinAfterCommitting() async throws {
        let script = Script()
        let fake = try start(script: script)
        defer { fake.shutdown() }
        let consumer = try consumer(fake)
        try await consumer.subscribe(["t"])
        _ = try await consumer.poll(timeout: .milliseconds(50))
        try await consumer.seek(TopicPartition("t", 2), to: 9)
        script.state.withLock { $0.heartbeatError = .rebalanceInProgress }
        let deadline = ContinuousClock.now + .seconds(5)
        while fake.requests(JoinGroupRequest.self).count < 3, ContinuousClock.now < deadline {
            _ = try await consumer.poll(timeout: .milliseconds(50))
        }
        let joins = fake.requests(JoinGroupRequest.self)
        XCTAssertEqual(joins.count, 3)
        XCTAssertEqual(joins.last?.0.memberId, "member-1", "a rebalance keeps the member id")
        let generation = await consumer.groupGeneration
        XCTAssertEqual(generation?.generation, 2)
        let committed = script.state.withLock { $0.committed[TopicPartition("t", 2)] }
        XCTAssertEqual(committed, 9, "eager rebalance commits before giving partitions up")
        await consumer.close()
    }

    func testIllegalGenerationOnSyncResetsTheMember() async throws {
        let script = Script()
        script.state.withLock { $0.syncErrors = [.illegalGeneration] }
        let fake = try start(script: script)
        defer { fake.shutdown() }
        let consumer = try consumer(fake)
        try await consumer.subscribe(["t"])
        _ = try await consumer.poll(timeout: .milliseconds(100))
        XCTAssertEqual(fake.requests(JoinGroupRequest.self).map(\.0.memberId), ["", "member-1", "", "member-1"])
        let assignment = await consumer.assignment
        XCTAssertEqual(assignment.count, 3)
        await consumer.close()
    }

    func testCooperativeRebalanceKeepsPartitionsAndRevokesOnlyMovedOnes() async throws {
        let script = Script()
        let fake = try start(script: script)
        defer { fake.shutdown() }
        let consumer = try consumer(fake, assignors: [CooperativeStickyAssignor()])
        try await consumer.subscribe(["t"])
        _ = try await consumer.poll(timeout: .milliseconds(50))
        var assignment = await consumer.assignment
        XCTAssertEqual(assignment.count, 3)
        try await consumer.seek(TopicPartition("t", 2), to: 4)

        // A second member shows up; the coordinator asks for a rebalance.
        script.state.withLock {
            $0.otherMembers = [.init(memberId: "member-0", metadata: ConsumerSubscription(topics: ["t"]).encode())]
            $0.heartbeatError = .rebalanceInProgress
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while fake.requests(JoinGroupRequest.self).count < 4, ContinuousClock.now < deadline {
            _ = try await consumer.poll(timeout: .milliseconds(50))
        }
        let joins = fake.requests(JoinGroupRequest.self).map { try! ConsumerSubscription(decoding: $0.0.protocols[0].metadata) }
        XCTAssertEqual(joins.count, 4, "join, rebalance, and one more round after revoking")
        XCTAssertEqual(joins[2].ownedPartitions.count, 3, "cooperative members keep their partitions while rejoining")
        XCTAssertEqual(joins[3].ownedPartitions, [TopicPartition("t", 0), TopicPartition("t", 1)])
        assignment = await consumer.assignment
        XCTAssertEqual(assignment, [TopicPartition("t", 0), TopicPartition("t", 1)])
        let committed = script.state.withLock { $0.committed[TopicPartition("t", 2)] }
        XCTAssertEqual(committed, 4, "the revoked partition's position is committed")
        let sync = try XCTUnwrap(fake.requests(SyncGroupRequest.self).last?.0)
        let plan = Dictionary(uniqueKeysWithValues: try sync.assignments.map { ($0.memberId, try ConsumerAssignment(decoding: $0.assignment).partitions) })
        XCTAssertEqual(plan["member-0"], [TopicPartition("t", 2)], "the moved partition goes to its new owner in the second round")
        await consumer.close()
    }
}
