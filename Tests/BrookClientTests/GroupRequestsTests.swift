@testable import BrookClient
import BrookProtocol
import NIOCore
import XCTest

final class GroupRequestsTests: XCTestCase {
    func testFindCoordinatorUsesKeyBeforeV4AndKeysFrom4() throws {
        XCTAssertEqual(GroupRequests.findCoordinator("g", version: 3).key, "g")
        XCTAssertEqual(GroupRequests.findCoordinator("g", version: 4).coordinatorKeys, ["g"])
        let old = FindCoordinatorResponse(errorCode: 0, nodeId: 3, host: "h", port: 9)
        XCTAssertTrue(try GroupRequests.coordinator(in: old, group: "g", version: 2) == (3, BrokerAddress(host: "h", port: 9)))
        let new = FindCoordinatorResponse(coordinators: [.init(key: "g", nodeId: 4, host: "k", port: 8, errorCode: 15)])
        XCTAssertThrowsError(try GroupRequests.coordinator(in: new, group: "g", version: 4)) { error in
            XCTAssertEqual((error as? KafkaClientError)?.errorCode, .coordinatorNotAvailable)
        }
    }

    func testOffsetFetchLayoutsAndResponses() throws {
        let partitions = [TopicPartition("b", 1), TopicPartition("a", 0)]
        let v7 = GroupRequests.offsetFetch(group: "g", partitions: partitions, requireStable: true, version: 7)
        XCTAssertEqual(v7.groupId, "g")
        XCTAssertEqual(v7.topics?.map(\.name), ["a", "b"])
        XCTAssertTrue(v7.groups.isEmpty)
        let v8 = GroupRequests.offsetFetch(group: "g", partitions: nil, requireStable: false, version: 8)
        XCTAssertEqual(v8.groups.map(\.groupId), ["g"])
        XCTAssertNil(v8.groups[0].topics, "nil topics: every committed partition")

        let classic = OffsetFetchResponse(topics: [.init(name: "a", partitions: [.init(partitionIndex: 0, committedOffset: 12, metadata: "m")])])
        XCTAssertEqual(try GroupRequests.committedOffsets(in: classic, group: "g", version: 5)[TopicPartition("a", 0)]?.offset, 12)
        let batched = OffsetFetchResponse(groups: [.init(groupId: "g", topics: [], errorCode: ErrorCode.groupAuthorizationFailed.rawValue)])
        XCTAssertThrowsError(try GroupRequests.committedOffsets(in: batched, group: "g", version: 8))
    }

    func testOffsetCommitGroupsByTopic() {
        let request = GroupRequests.offsetCommit(group: "g", generation: -1, memberId: "", groupInstanceId: nil,
                                                 offsets: [TopicPartition("t", 1): 10, TopicPartition("t", 0): 3])
        XCTAssertEqual(request.topics.count, 1)
        XCTAssertEqual(request.topics[0].partitions.map(\.partitionIndex), [0, 1])
        XCTAssertEqual(request.topics[0].partitions.map(\.committedOffset), [3, 10])
        let response = OffsetCommitResponse(topics: [.init(name: "t", partitions: [.init(partitionIndex: 1, errorCode: 22)])])
        XCTAssertEqual(GroupRequests.commitErrors(in: response), [TopicPartition("t", 1): .illegalGeneration])
    }

    func testLeaveGroupLayouts() {
        XCTAssertEqual(GroupRequests.leaveGroup(group: "g", memberId: "m", groupInstanceId: nil, version: 2).memberId, "m")
        XCTAssertEqual(GroupRequests.leaveGroup(group: "g", memberId: "m", groupInstanceId: nil, version: 3).members.map(\.memberId), ["m"])
    }

    func testMembershipReactions() {
        var membership = GroupMembership()
        membership.joined(memberId: "m", generation: 3, protocolName: "range", isLeader: true)
        XCTAssertFalse(membership.needsJoin)
        XCTAssertEqual(membership.react(to: .rebalanceInProgress), .rejoin)
        XCTAssertTrue(membership.needsJoin)
        XCTAssertEqual(membership.memberId, "m")
        XCTAssertEqual(membership.react(to: .unknownMemberId), .resetAndRejoin)
        XCTAssertEqual(membership.memberId, "")
        XCTAssertEqual(membership.generation, -1)
        XCTAssertEqual(membership.react(to: .notCoordinator), .findCoordinator)
        XCTAssertEqual(membership.react(to: .coordinatorLoadInProgress), .retry)
        XCTAssertEqual(membership.react(to: .groupAuthorizationFailed), .fail(.groupAuthorizationFailed))
    }
}
