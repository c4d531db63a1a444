/// One change to the cluster's live state in etcd, as `EtcdMetadataStore.clusterStateChanges()`
/// reports it: the new value with its version, or nil when the key is gone.
public enum EtcdClusterStateChange: Sendable, Hashable {
    /// A broker registered or re-registered; nil: its registration ended (lease expired, clean shutdown).
    case broker(id: Int32, Versioned<BrokerRegistration>?)
    /// A controller was elected; nil: none is (its lease ended or it resigned).
    case controller(Versioned<EtcdControllerClaim>?)
    /// A new controller epoch was claimed.
    case controllerEpoch(Int64)
    /// A partition's state was written; nil: removed (its topic was deleted).
    case partition(topic: String, index: Int32, Versioned<PartitionLeadershipState>?)
}

/// A partition named by topic and index (the key of `/partitions/<topic>/<index>`).
public struct EtcdPartitionKey: Sendable, Hashable, Comparable {
    public var topic: String
    public var index: Int32

    public init(topic: String, index: Int32) {
        self.topic = topic
        self.index = index
    }

    public static func < (lhs: EtcdPartitionKey, rhs: EtcdPartitionKey) -> Bool {
        (lhs.topic, lhs.index) < (rhs.topic, rhs.index)
    }
}
