import BrookProtocol

/// A topic to create. -1 for partitions or replication factor means "the broker's default".
public struct NewTopic: Sendable, Equatable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int16
    public var configs: [String: String]

    public init(name: String, partitions: Int32 = -1, replicationFactor: Int16 = -1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// A topic as Metadata describes it.
public struct TopicDescription: Sendable, Equatable {
    /// One partition: leader (-1 when none), replicas and in-sync replicas.
    public struct Partition: Sendable, Equatable {
        public var id: Int32
        public var leader: Int32
        public var replicas: [Int32]
        public var isr: [Int32]
        public var offlineReplicas: [Int32]
    }

    public var name: String
    public var topicId: KafkaUUID
    public var isInternal: Bool
    public var partitions: [Partition]
}

/// What a config applies to.
public enum ConfigResource: Sendable, Hashable {
    case topic(String)
    case broker(Int32)

    var type: Int8 {
        switch self {
        case .topic: return 2
        case .broker: return 4
        }
    }

    var name: String {
        switch self {
        case .topic(let name): return name
        case .broker(let id): return String(id)
        }
    }
}

/// Where a config value comes from (DescribeConfigs `config_source`).
public enum ConfigSource: Int8, Sendable {
    case unknown = 0
    case dynamicTopic = 1
    case dynamicBroker = 2
    case dynamicDefaultBroker = 3
    case staticBroker = 4
    case defaultConfig = 5
    case dynamicBrokerLogger = 6
    case clientMetrics = 7
    case group = 8

    /// Kafka's spelling, as kafka-configs.sh prints it.
    public var name: String {
        switch self {
        case .unknown: return "UNKNOWN"
        case .dynamicTopic: return "DYNAMIC_TOPIC_CONFIG"
        case .dynamicBroker: return "DYNAMIC_BROKER_CONFIG"
        case .dynamicDefaultBroker: return "DYNAMIC_DEFAULT_BROKER_CONFIG"
        case .staticBroker: return "STATIC_BROKER_CONFIG"
        case .defaultConfig: return "DEFAULT_CONFIG"
        case .dynamicBrokerLogger: return "DYNAMIC_BROKER_LOGGER_CONFIG"
        case .clientMetrics: return "CLIENT_METRICS_CONFIG"
        case .group: return "GROUP_CONFIG"
        }
    }
}

/// One config entry of a resource.
public struct ConfigEntry: Sendable, Equatable {
    public var name: String
    /// nil for sensitive values and unset ones.
    public var value: String?
    public var source: ConfigSource
    public var isReadOnly: Bool
    public var isSensitive: Bool
    public var isDefault: Bool { source == .defaultConfig }
}

/// A change made by `KafkaAdmin.alterConfigs` (IncrementalAlterConfigs operations).
public enum ConfigChange: Sendable, Equatable {
    /// Sets `name` to `value`.
    case set(String, String)
    /// Removes the override, back to the default.
    case delete(String)
    /// Adds `value` to a list config.
    case append(String, String)
    /// Removes `value` from a list config.
    case subtract(String, String)

    var wire: IncrementalAlterConfigsRequest.AlterableConfig {
        switch self {
        case .set(let name, let value): return .init(name: name, configOperation: 0, value: value)
        case .delete(let name): return .init(name: name, configOperation: 1, value: nil)
        case .append(let name, let value): return .init(name: name, configOperation: 2, value: value)
        case .subtract(let name, let value): return .init(name: name, configOperation: 3, value: value)
        }
    }
}

/// A group as ListGroups reports it.
public struct GroupListing: Sendable, Equatable {
    public var groupId: String
    public var protocolType: String
    /// Empty when the broker's ListGroups version predates group states.
    public var state: String
    /// "classic" or "consumer"; empty on older brokers.
    public var type: String
}

/// A group as DescribeGroups reports it.
public struct GroupDescription: Sendable, Equatable {
    /// One member and the partitions assigned to it (decoded when the group speaks the consumer protocol).
    public struct Member: Sendable, Equatable {
        public var memberId: String
        public var groupInstanceId: String?
        public var clientId: String
        public var clientHost: String
        public var assignment: [TopicPartition]
    }

    public var groupId: String
    public var state: String
    public var protocolType: String
    /// The assignor in use.
    public var protocolName: String
    public var members: [Member]
}

/// The cluster as DescribeCluster (or Metadata) reports it.
public struct ClusterDescription: Sendable, Equatable {
    public var clusterId: String?
    public var controllerId: Int32
    public var brokers: [ClusterMetadata.Broker]
}
