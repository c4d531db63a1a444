@testable import BrookBroker
import BrookCoordination
import BrookProtocol
import Logging
import NIOCore
import XCTest

final class GroupPersistenceTests: XCTestCase {
    func testCommitsAndGroupsSurviveARestart() async throws {
        let dataDir = TestBroker.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        var memberId = ""
        do {
            let broker = try await GroupTestSupport.broker(dataDir: dataDir)
            try await broker.broker.topics.createTopic(name: "t", partitions: 3, replicationFactor: 1, configs: [:], validateOnly: false)
            let client = try RawKafkaClient(port: broker.port)
            let joined = try GroupTestSupport.join(client, group: "durable")
            memberId = joined.memberId
            _ = try client.request(SyncGroupRequest(groupId: "durable", generationId: 1, memberId: memberId,
                                                    assignments: [.init(memberId: memberId, assignment: ByteBuffer(string: "p0-p2"))]),
                                   version: 3, as: SyncGroupResponse.self)
            let commit = OffsetCommitRequest(groupId: "durable", generationIdOrMemberEpoch: 1, memberId: memberId, topics: [
                .init(name: "t", partitions: (0..<3).map { .init(partitionIndex: $0, committedOffset: Int64(10 * ($0 + 1)),
                                                                committedLeaderEpoch: 0, committedMetadata: "m\($0)") }),
            ])
            XCTAssertEqual(try client.request(commit, version: 8, as: OffsetCommitResponse.self).topics.first?.partitions.map(\.errorCode),
                           [0, 0, 0])
            // Overwrite one, and make a group that is deleted before the restart.
            var again = commit
            again.topics[0].partitions = [.init(partitionIndex: 1, committedOffset: 99, committedMetadata: "newer")]
            _ = try client.request(again, version: 8, as: OffsetCommitResponse.self)
            _ = try client.request(OffsetCommitRequest(groupId: "temp", topics: [.init(name: "t", partitions: [.init(partitionIndex: 0, committedOffset: 1)])]),
                                   version: 8, as: OffsetCommitResponse.self)
            _ = try client.request(DeleteGroupsRequest(groupsNames: ["temp"]), version: 2, as: DeleteGroupsResponse.self)
            try await broker.stop()
        }
        let restarted = try await GroupTestSupport.broker(dataDir: dataDir)
        do {
            let client = try RawKafkaClient(port: restarted.port)
            let fetched = try client.request(OffsetFetchRequest(groupId: "durable", topics: nil), version: 7, as: OffsetFetchResponse.self)
            let partitions = try XCTUnwrap(fetched.topics.first?.partitions)
            XCTAssertEqual(partitions.map(\.committedOffset), [10, 99, 30])
            XCTAssertEqual(partitions.map(\.metadata), ["m0", "newer", "m2"])
            XCTAssertEqual(partitions.map(\.committedLeaderEpoch), [0, -1, 0])
            let described = try client.request(DescribeGroupsRequest(groups: ["durable", "temp"]), version: 5, as: DescribeGroupsResponse.self)
            XCTAssertEqual(described.groups.map(\.groupState), ["Stable", "Dead"])
            XCTAssertEqual(described.groups[0].members.map(\.memberId), [memberId])
            XCTAssertEqual(described.groups[0].members.first?.memberAssignment, ByteBuffer(string: "p0-p2"))
            // The loaded member carries on without rejoining.
            let beat = try client.request(HeartbeatRequest(groupId: "durable", generationId: 1, memberId: memberId), version: 3,
                                          as: HeartbeatResponse.self)
            XCTAssertEqual(beat.errorCode, 0)
        }
        try await restarted.stop()
    }

    func testRequestsWhileLoadingGetLoadInProgress() async throws {
        let broker = try await GroupTestSupport.broker()
        defer { broker.removeData() }
        let partition = try XCTUnwrap(broker.broker.topics.topic(named: "__consumer_offsets")?.partitions.first)
        let runner = GroupShardRunner(eventLoop: partition.eventLoop, config: GroupCoordinatorConfig(),
                                      logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                                      clock: Broker.wallClockMillis)
        let join = JoinGroupInput(groupId: "g", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: "consumer",
                                  protocols: [GroupProtocol(name: "range", metadata: ByteBuffer())], newMemberIdSuffix: "x")
        let early = try await runner.join(join).get()
        XCTAssertEqual(early.error, .coordinatorLoadInProgress)
        let heartbeat = try await runner.run(unavailable: { $0 }, failed: { _ in .unknownServerError }) { shard, now in
            shard.heartbeat(HeartbeatInput(groupId: "g", generationId: 1, memberId: "m"), now: now)
        }.get()
        XCTAssertEqual(heartbeat, .coordinatorLoadInProgress)
        try await runner.load(from: partition).get()
        let late = try await runner.join(join).get()
        XCTAssertEqual(late.error, .memberIdRequired)
        try await runner.close().get()
        try await broker.stop()
    }
}
