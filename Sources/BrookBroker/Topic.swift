import BrookProtocol
import NIOConcurrencyHelpers

/// A topic on this broker: its id, partitions and topic-level config overrides.
///
/// Partitions can be added (CreatePartitions) and configs replaced (AlterConfigs) while the topic
/// is in use; both are read under a lock and replaced wholesale.
public final class Topic: Sendable {
    public let name: String
    public let id: KafkaUUID
    private let state: NIOLockedValueBox<(partitions: [Partition], configs: [String: String])>
    public var isInternal: Bool { name.hasPrefix("__") }

    init(name: String, id: KafkaUUID, partitions: [Partition], configs: [String: String]) {
        self.name = name
        self.id = id
        self.state = NIOLockedValueBox((partitions, configs))
    }

    public var partitions: [Partition] { state.withLockedValue { $0.partitions } }
    /// Topic-level overrides (only keys set on the topic; defaults come from the broker).
    public var configs: [String: String] { state.withLockedValue { $0.configs } }

    func appendPartitions(_ added: [Partition]) {
        state.withLockedValue { $0.partitions += added }
    }

    func replaceConfigs(_ configs: [String: String]) {
        state.withLockedValue { $0.configs = configs }
    }

    public func partition(_ index: Int32) -> Partition? {
        let all = partitions
        return index >= 0 && Int(index) < all.count ? all[Int(index)] : nil
    }
}
