import BrookCluster
import XCTest

/// `ReplicaPlacement` and `ReplicaAssignmentValidation`: even spread, load continuation, racks,
/// determinism and Kafka's errors.
final class ControllerPlacementTests: XCTestCase {
    private typealias F = ControllerFixtures

    private func counts(_ assignments: [PartitionAssignment]) -> (leaders: [Int32: Int], replicas: [Int32: Int]) {
        var leaders: [Int32: Int] = [:]
        var replicas: [Int32: Int] = [:]
        for assignment in assignments {
            leaders[assignment.replicas[0], default: 0] += 1
            for replica in assignment.replicas { replicas[replica, default: 0] += 1 }
        }
        return (leaders, replicas)
    }

    func testSpreadsLeadersAndReplicasEvenly() throws {
        var placement = ReplicaPlacement(brokers: [F.broker(1), F.broker(2), F.broker(3)])
        let assignments = try placement.place(partitions: 6, replicationFactor: 3, startIndex: 0).get()
        XCTAssertEqual(assignments.count, 6)
        for assignment in assignments { XCTAssertEqual(Set(assignment.replicas).count, 3) }
        let (leaders, replicas) = counts(assignments)
        XCTAssertEqual(leaders, [1: 2, 2: 2, 3: 2])
        XCTAssertEqual(replicas, [1: 6, 2: 6, 3: 6])
        XCTAssertEqual(assignments[0].replicas, [1, 2, 3])
        XCTAssertEqual(assignments[1].replicas, [2, 3, 1])
        // The second round shifts the followers, so partitions led by 1 do not all have 2 as second.
        XCTAssertNotEqual(assignments[0].replicas[1], assignments[3].replicas[1])
    }

    func testUnevenCountsStayWithinOneOfEachOther() throws {
        var placement = ReplicaPlacement(brokers: (1...5).map { F.broker($0) })
        let assignments = try placement.place(partitions: 7, replicationFactor: 2, startIndex: 3).get()
        let (leaders, replicas) = counts(assignments)
        XCTAssertLessThanOrEqual(leaders.values.max()! - (leaders.count == 5 ? leaders.values.min()! : 0), 1)
        XCTAssertLessThanOrEqual(replicas.values.max()! - replicas.values.min()!, 1)
        XCTAssertEqual(replicas.values.reduce(0, +), 14)
    }

    func testContinuesFromExistingLoad() throws {
        // Broker 1 already leads two partitions and holds them: new ones go to 2 and 3 first.
        let existing = [PartitionAssignment(replicas: [1]), PartitionAssignment(replicas: [1])]
        var placement = ReplicaPlacement(brokers: [F.broker(1), F.broker(2), F.broker(3)], existing: existing)
        let assignments = try placement.place(partitions: 4, replicationFactor: 1, startIndex: 0).get()
        XCTAssertEqual(assignments.map(\.replicas), [[2], [3], [3], [2]])  // now two each
        // Across two calls the load carries over too: all equal, so the rotation decides.
        let more = try placement.place(partitions: 2, replicationFactor: 1, startIndex: 0).get()
        XCTAssertEqual(more.map(\.replicas), [[1], [2]])
    }

    func testDeterministicForAStartIndexAndDifferentAcrossStartIndexes() throws {
        let brokers = (1...4).map { F.broker($0) }
        var first = ReplicaPlacement(brokers: brokers)
        var second = ReplicaPlacement(brokers: brokers.reversed())
        var third = ReplicaPlacement(brokers: brokers)
        let a = try first.place(partitions: 8, replicationFactor: 3, startIndex: 2).get()
        XCTAssertEqual(a, try second.place(partitions: 8, replicationFactor: 3, startIndex: 2).get())
        XCTAssertNotEqual(a, try third.place(partitions: 8, replicationFactor: 3, startIndex: 1).get())
        XCTAssertEqual(a[0].replicas[0], 3)  // start index 2 → the third broker by id leads first
    }

    func testRackAwarePutsReplicasOnDistinctRacks() throws {
        let brokers = [F.broker(1, rack: "a"), F.broker(2, rack: "a"), F.broker(3, rack: "b"), F.broker(4, rack: "b"),
                       F.broker(5, rack: "c"), F.broker(6, rack: "c")]
        var placement = ReplicaPlacement(brokers: brokers)
        XCTAssertTrue(placement.isRackAware)
        let rackOf = Dictionary(uniqueKeysWithValues: brokers.map { ($0.id, $0.rack!) })
        let assignments = try placement.place(partitions: 12, replicationFactor: 3, startIndex: 0).get()
        for assignment in assignments {
            XCTAssertEqual(Set(assignment.replicas.map { rackOf[$0]! }).count, 3, "\(assignment.replicas)")
        }
        let (leaders, replicas) = counts(assignments)
        XCTAssertEqual(Set(leaders.values), [2])
        XCTAssertEqual(Set(replicas.values), [6])
    }

    func testRackAwareWithMoreReplicasThanRacksFillsEveryRackBeforeRepeatingOne() throws {
        let brokers = [F.broker(1, rack: "a"), F.broker(2, rack: "a"), F.broker(3, rack: "b"), F.broker(4, rack: "b")]
        var placement = ReplicaPlacement(brokers: brokers)
        let assignments = try placement.place(partitions: 4, replicationFactor: 3, startIndex: 0).get()
        for assignment in assignments {
            let racks = assignment.replicas.map { $0 <= 2 ? "a" : "b" }
            XCTAssertEqual(Set(racks).count, 2, "\(assignment.replicas)")
        }
    }

    func testWithoutARackOnEveryBrokerPlacementIgnoresRacks() throws {
        let brokers = [F.broker(1, rack: "a"), F.broker(2, rack: "a"), F.broker(3)]
        XCTAssertFalse(ReplicaPlacement(brokers: brokers).isRackAware)
        var placement = ReplicaPlacement(brokers: brokers)
        // Rack-aware would never pair 1 and 2; rack-unaware does (p0: 1 leads, 2 follows).
        let assignments = try placement.place(partitions: 3, replicationFactor: 2, startIndex: 0).get()
        XCTAssertEqual(assignments[0].replicas, [1, 2])
    }

    func testReplicationFactorAboveLiveBrokersIsKafkasError() {
        var placement = ReplicaPlacement(brokers: [F.broker(1), F.broker(2)])
        XCTAssertEqual(placement.place(partitions: 1, replicationFactor: 3, startIndex: 0),
                       .failure(.invalidReplicationFactor("Replication factor: 3 larger than available brokers: 2.")))
        XCTAssertEqual(placement.place(partitions: 1, replicationFactor: 0, startIndex: 0),
                       .failure(.invalidReplicationFactor("Replication factor must be larger than 0.")))
        XCTAssertEqual(placement.place(partitions: 0, replicationFactor: 1, startIndex: 0),
                       .failure(.invalidPartitions("Number of partitions must be larger than 0.")))
        var none = ReplicaPlacement(brokers: [])
        XCTAssertEqual(none.place(partitions: 1, replicationFactor: 1, startIndex: 0),
                       .failure(.invalidReplicationFactor("Replication factor: 1 larger than available brokers: 0.")))
    }

    func testManualAssignmentErrors() {
        let live: Set<Int32> = [1, 2, 3]
        XCTAssertNil(ReplicaAssignmentValidation.check([3, 1], liveBrokers: live, replicationFactor: 2))
        XCTAssertEqual(ReplicaAssignmentValidation.check([], liveBrokers: live, replicationFactor: nil),
                       .invalidReplicaAssignment("The manual partition assignment includes an empty replica list."))
        XCTAssertEqual(ReplicaAssignmentValidation.check([1, 2, 1], liveBrokers: live, replicationFactor: nil),
                       .invalidReplicaAssignment("The manual partition assignment includes the broker 1 more than once."))
        XCTAssertEqual(ReplicaAssignmentValidation.check([1, 9], liveBrokers: live, replicationFactor: nil),
                       .invalidReplicaAssignment(
                           "The manual partition assignment includes broker 9, but no such broker is registered."))
        XCTAssertEqual(ReplicaAssignmentValidation.check([1, 2], liveBrokers: live, replicationFactor: 3),
                       .invalidReplicaAssignment("The manual partition assignment includes a partition with 2 replica(s), "
                           + "but this is not consistent with previous partitions, which have 3 replica(s)."))
    }

    func testManualCreateAssignmentsMustBeConsecutiveUniqueAndConsistent() {
        let live: Set<Int32> = [1, 2, 3]
        let ok = ReplicaAssignmentValidation.checkCreate(
            [ManualPartitionAssignment(partitionIndex: 1, brokerIds: [2, 3]),
             ManualPartitionAssignment(partitionIndex: 0, brokerIds: [1, 2])], liveBrokers: live)
        XCTAssertEqual(ok, .success([PartitionAssignment(replicas: [1, 2]), PartitionAssignment(replicas: [2, 3])]))
        XCTAssertEqual(ReplicaAssignmentValidation.checkCreate(
            [ManualPartitionAssignment(partitionIndex: 0, brokerIds: [1]),
             ManualPartitionAssignment(partitionIndex: 0, brokerIds: [2])], liveBrokers: live),
            .failure(.invalidReplicaAssignment("Found multiple manual partition assignments for partition 0")))
        XCTAssertEqual(ReplicaAssignmentValidation.checkCreate(
            [ManualPartitionAssignment(partitionIndex: 0, brokerIds: [1]),
             ManualPartitionAssignment(partitionIndex: 2, brokerIds: [2])], liveBrokers: live),
            .failure(.invalidReplicaAssignment("partitions should be a consecutive 0-based integer sequence")))
        guard case .failure(.invalidReplicaAssignment(let message)) = ReplicaAssignmentValidation.checkCreate(
            [ManualPartitionAssignment(partitionIndex: 0, brokerIds: [1, 2]),
             ManualPartitionAssignment(partitionIndex: 1, brokerIds: [3])], liveBrokers: live)
        else { return XCTFail("inconsistent replication factor accepted") }
        XCTAssertTrue(message.contains("includes a partition with 1 replica(s)"), message)
    }

    func testManualAdditionalAssignmentsMustMatchTheCount() {
        XCTAssertEqual(ReplicaAssignmentValidation.checkAdditional([[1, 2]], additional: 2, replicationFactor: 2,
                                                                  liveBrokers: [1, 2]),
                       .failure(.invalidReplicaAssignment(
                           "Attempted to add 2 additional partition(s), but only 1 assignment(s) were specified.")))
    }
}
