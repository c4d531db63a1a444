import BrookProtocol

/// A topic on this broker: its id, partitions and topic-level config overrides.
public final class Topic: Sendable {
    public let name: String
    public let id: KafkaUUID
    public let partitions: [Partition]
    public let configs: [String: String]
    public var isInternal: Bool { name.hasPrefix("__") }

    init(name: String, id: KafkaUUID, partitions: [Partition], configs: [String: String]) {
        self.name = name
        self.id = id
        self.partitions = partitions
        self.configs = configs
    }

    public func partition(_ index: Int32) -> Partition? {
        index >= 0 && Int(index) < partitions.count ? partitions[Int(index)] : nil
    }

    /// `message.timestamp.type` of this topic (override or broker default).
    func usesLogAppendTime(brokerDefault: String) -> Bool {
        (configs["message.timestamp.type"] ?? brokerDefault) == "LogAppendTime"
    }
}
