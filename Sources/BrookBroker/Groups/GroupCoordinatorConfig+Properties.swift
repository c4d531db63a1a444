import BrookCoordination

extension GroupCoordinatorConfig {
    /// Applies one Kafka broker property of the group coordinator; false if the key is not one.
    mutating func apply(key: String, value: String) throws -> Bool {
        switch key {
        case "group.initial.rebalance.delay.ms":
            initialRebalanceDelayMs = try BrokerConfig.int32(key, value, min: 0)
        case "group.min.session.timeout.ms":
            minSessionTimeoutMs = try BrokerConfig.int32(key, value, min: 0)
        case "group.max.session.timeout.ms":
            maxSessionTimeoutMs = try BrokerConfig.int32(key, value, min: 0)
        case "group.max.size":
            maxGroupSize = try BrokerConfig.int32(key, value, min: 1)
        case "offset.metadata.max.bytes":
            offsetMetadataMaxBytes = Int(try BrokerConfig.int32(key, value, min: 0))
        case "offsets.retention.minutes":
            offsetsRetentionMs = Int64(try BrokerConfig.int32(key, value, min: 1)) * 60_000
        case "offsets.retention.check.interval.ms":
            offsetsRetentionCheckIntervalMs = try BrokerConfig.int64(key, value, min: 1)
        case "offsets.topic.num.partitions":
            offsetsTopicPartitions = try BrokerConfig.int32(key, value, min: 1)
        case "group.consumer.session.timeout.ms":
            consumerSessionTimeoutMs = try BrokerConfig.int32(key, value, min: 1)
        case "group.consumer.heartbeat.interval.ms":
            consumerHeartbeatIntervalMs = try BrokerConfig.int32(key, value, min: 1)
        case "group.consumer.max.size":
            consumerMaxGroupSize = try BrokerConfig.int32(key, value, min: 1)
        default:
            return false
        }
        return true
    }
}
