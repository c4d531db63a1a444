import BrookStorage

/// A write the controller's runtime performs as an etcd txn guarded by the controller epoch.
public enum ControllerEffect: Sendable, Hashable {
    /// Write `state` for `partition`, only if the stored partition epoch is `expectedPartitionEpoch`
    /// (nil: only if no state is stored yet). The runtime turns it into a CAS on the key's
    /// mod_revision; on a conflict it reloads the record and feeds it back (`ControllerState.observed`).
    case writePartitionState(TopicPartition, PartitionLeadershipState, expectedPartitionEpoch: Int32?)
    /// Write the topic's replica assignment (every partition, indexed by partition), creating the
    /// topic when `create` is true, otherwise only growing it from `previousPartitionCount`.
    case writeTopicAssignment(topic: String, assignments: [PartitionAssignment], create: Bool,
                              previousPartitionCount: Int)
    /// A reassignment step: the partition's replica set in the topic record becomes `replicas` and
    /// its record `state`, in one transaction, only if the stored partition epoch is
    /// `expectedPartitionEpoch` (the topic record is read and compared as the write runs).
    case writeReassignment(TopicPartition, replicas: [Int32], state: PartitionLeadershipState,
                           expectedPartitionEpoch: Int32)
}

/// What a request to the controller produces: the writes to perform (even for some errors, such as
/// NEW_LEADER_ELECTED) and the answer for the requester.
public struct ControllerAnswer<Value: Sendable>: Sendable {
    public var effects: [ControllerEffect]
    public var result: Result<Value, ControllerError>

    public init(effects: [ControllerEffect], result: Result<Value, ControllerError>) {
        self.effects = effects
        self.result = result
    }

    static func failure(_ error: ControllerError) -> Self {
        ControllerAnswer(effects: [], result: .failure(error))
    }
}
extension ControllerAnswer: Equatable where Value: Equatable {}
