@testable import BrookBroker
import BrookCluster
import XCTest

/// Where a broker places the replicas of partitions it creates.
final class ReplicaAssignerTests: XCTestCase {
    private func view(brokers: [Int32], racks: [String?]? = nil,
                      partitions: [String: [PartitionRouting]] = [:]) -> ClusterView {
        ClusterView(brokers: brokers.enumerated().map { index, id in
            BrokerEndpoint(nodeId: id, host: "h\(id)", port: 9000 + id, rack: racks?[index])
        }, controllerId: brokers.first ?? -1, partitions: partitions)
    }

    func testSingleNodeHoldsEveryReplicaAndRefusesMore() throws {
        let assigner = ReplicaAssigner.singleNode(7)
        XCTAssertEqual(try assigner.assign(partitions: 2, replicationFactor: 1).get(), [[7], [7]])
        guard case .failure(.invalidReplicationFactor(let message)) = assigner.assign(partitions: 1, replicationFactor: 2) else {
            return XCTFail("a single node cannot hold two replicas")
        }
        XCTAssertTrue(message.contains("only 1 broker(s) are registered"), message)
    }

    func testClusterSpreadsLeadersAndReplicasEvenOverLoadedBrokers() throws {
        // Broker 1 already leads an internal topic's 50 partitions.
        let offsets = (0..<50).map { _ in PartitionRouting(leader: 1, leaderEpoch: 0, replicas: [1], isr: [1]) }
        let current = view(brokers: [1, 2, 3], partitions: ["__consumer_offsets": offsets])
        let placed = try ReplicaAssigner.cluster { current }.assign(partitions: 6, replicationFactor: 3).get()
        XCTAssertEqual(placed.count, 6)
        for replicas in placed { XCTAssertEqual(Set(replicas), [1, 2, 3]) }
        let leaders = Dictionary(grouping: placed.map { $0[0] }, by: { $0 }).mapValues(\.count)
        XCTAssertEqual(leaders[2], 3, "\(placed)")
        XCTAssertEqual(leaders[3], 3, "\(placed)")
    }

    func testClusterRefusesMoreReplicasThanLiveBrokers() {
        let current = view(brokers: [1, 2])
        guard case .failure(.invalidReplicationFactor(let message)) = ReplicaAssigner.cluster({ current })
            .assign(partitions: 1, replicationFactor: 3) else { return XCTFail("two brokers cannot hold three replicas") }
        XCTAssertTrue(message.contains("only 2 broker(s)"), message)
    }

    func testCurrentAssignmentAndReplicationFactorComeFromTheView() {
        let current = view(brokers: [1, 2, 3], partitions: ["t": [
            PartitionRouting(leader: 2, leaderEpoch: 1, replicas: [2, 3], isr: [2, 3]),
            PartitionRouting(leader: 3, leaderEpoch: 1, replicas: [3, 1], isr: [3]),
        ]])
        let assigner = ReplicaAssigner.cluster { current }
        XCTAssertEqual(assigner.currentAssignment(of: "t", partitions: 2), [[2, 3], [3, 1]])
        XCTAssertEqual(assigner.replicationFactor(of: "t"), 2)
    }

    func testRacksGetOneReplicaEachWhenEveryBrokerHasOne() throws {
        let current = view(brokers: [1, 2, 3, 4, 5, 6], racks: ["a", "a", "b", "b", "c", "c"])
        let placed = try ReplicaAssigner.cluster { current }.assign(partitions: 12, replicationFactor: 3).get()
        let rackOf: [Int32: String] = [1: "a", 2: "a", 3: "b", 4: "b", 5: "c", 6: "c"]
        for replicas in placed {
            XCTAssertEqual(Set(replicas.compactMap { rackOf[$0] }), ["a", "b", "c"], "\(replicas) spans every rack")
        }
        let leaders = Dictionary(grouping: placed.map { $0[0] }, by: { $0 }).mapValues(\.count)
        XCTAssertEqual(leaders.values.sorted(), [2, 2, 2, 2, 2, 2], "leaders spread evenly: \(leaders)")
    }
}
