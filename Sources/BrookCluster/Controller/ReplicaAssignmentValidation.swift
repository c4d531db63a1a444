/// One partition's replicas as CreateTopics names them explicitly.
public struct ManualPartitionAssignment: Sendable, Hashable {
    public var partitionIndex: Int32
    public var brokerIds: [Int32]

    public init(partitionIndex: Int32, brokerIds: [Int32]) {
        self.partitionIndex = partitionIndex
        self.brokerIds = brokerIds
    }
}

/// Checks of explicit replica assignments (CreateTopics and CreatePartitions with assignments),
/// with the errors and wording of Kafka's controller.
public enum ReplicaAssignmentValidation {
    /// One partition's replicas: non-empty, each broker registered and named once, and as many as
    /// the other partitions have (`replicationFactor`, when known).
    public static func check(_ replicas: [Int32], liveBrokers: Set<Int32>, replicationFactor: Int?) -> ControllerError? {
        guard !replicas.isEmpty else {
            return .invalidReplicaAssignment("The manual partition assignment includes an empty replica list.")
        }
        var previous: Int32?
        for broker in replicas.sorted() {
            guard liveBrokers.contains(broker) else {
                return .invalidReplicaAssignment("The manual partition assignment includes broker \(broker), "
                    + "but no such broker is registered.")
            }
            if broker == previous {
                return .invalidReplicaAssignment(
                    "The manual partition assignment includes the broker \(broker) more than once.")
            }
            previous = broker
        }
        if let replicationFactor, replicas.count != replicationFactor {
            return .invalidReplicaAssignment("The manual partition assignment includes a partition with "
                + "\(replicas.count) replica(s), but this is not consistent with previous partitions, which have "
                + "\(replicationFactor) replica(s).")
        }
        return nil
    }

    /// A new topic's assignments: one per partition index, indexes 0..<n, consistent replication factor.
    public static func checkCreate(_ manual: [ManualPartitionAssignment],
                                   liveBrokers: Set<Int32>) -> Result<[PartitionAssignment], ControllerError> {
        guard !manual.isEmpty else {
            return .failure(.invalidReplicaAssignment("The manual partition assignment includes no partitions."))
        }
        var byIndex: [Int32: [Int32]] = [:]
        var replicationFactor: Int?
        for entry in manual {
            guard byIndex[entry.partitionIndex] == nil else {
                return .failure(.invalidReplicaAssignment(
                    "Found multiple manual partition assignments for partition \(entry.partitionIndex)"))
            }
            if let error = check(entry.brokerIds, liveBrokers: liveBrokers, replicationFactor: replicationFactor) {
                return .failure(error)
            }
            replicationFactor = entry.brokerIds.count
            byIndex[entry.partitionIndex] = entry.brokerIds
        }
        var assignments: [PartitionAssignment] = []
        for index in 0..<Int32(byIndex.count) {
            guard let replicas = byIndex[index] else {
                return .failure(.invalidReplicaAssignment("partitions should be a consecutive 0-based integer sequence"))
            }
            assignments.append(PartitionAssignment(replicas: replicas))
        }
        return .success(assignments)
    }

    /// Assignments for `additional` new partitions of a topic whose partitions have `replicationFactor` replicas.
    public static func checkAdditional(_ manual: [[Int32]], additional: Int, replicationFactor: Int,
                                       liveBrokers: Set<Int32>) -> Result<[PartitionAssignment], ControllerError> {
        guard manual.count == additional else {
            return .failure(.invalidReplicaAssignment("Attempted to add \(additional) additional partition(s), "
                + "but only \(manual.count) assignment(s) were specified."))
        }
        for replicas in manual {
            if let error = check(replicas, liveBrokers: liveBrokers, replicationFactor: replicationFactor) {
                return .failure(error)
            }
        }
        return .success(manual.map { PartitionAssignment(replicas: $0) })
    }
}
