/// Where each cluster record lives in etcd, under one root prefix (`/brook/` by default), as
/// cluster-design.md lays it out. A different root lets tests use a fresh namespace and lets several
/// clusters share one etcd.
public struct EtcdKeyLayout: Sendable, Hashable {
    /// Always ends with `/`.
    public let root: String

    /// `root` gets a trailing `/` when it has none.
    public init(root: String = "/brook/") {
        self.root = root.hasSuffix("/") ? root : root + "/"
    }

    public var clusterId: String { root + "cluster_id" }
    public var controller: String { root + "controller" }
    public var controllerEpoch: String { root + "controller_epoch" }
    public var brokerConfigs: String { root + "configs/broker" }
    public var producerIdNextBlock: String { root + "producer_ids/next_block" }

    public var brokersPrefix: String { root + "brokers/" }
    public func broker(_ id: Int32) -> String { brokersPrefix + String(id) }

    public var topicsPrefix: String { root + "topics/" }
    public func topic(_ name: String) -> String { topicsPrefix + name }

    public var partitionsPrefix: String { root + "partitions/" }
    /// Every partition key of one topic (topic names cannot contain `/`, so no other topic's keys match).
    public func partitions(of topic: String) -> String { partitionsPrefix + topic + "/" }
    public func partition(_ topic: String, _ index: Int32) -> String { partitions(of: topic) + String(index) }

    /// What a key under the root names; nil for keys this layout does not define.
    public enum Entry: Sendable, Hashable {
        case clusterId
        case controller
        case controllerEpoch
        case brokerConfigs
        case producerIdNextBlock
        case broker(Int32)
        case topic(String)
        case partition(topic: String, index: Int32)
    }

    public func entry(for key: String) -> Entry? {
        guard key.hasPrefix(root) else { return nil }
        let rest = key.dropFirst(root.count)
        switch rest {
        case "cluster_id": return .clusterId
        case "controller": return .controller
        case "controller_epoch": return .controllerEpoch
        case "configs/broker": return .brokerConfigs
        case "producer_ids/next_block": return .producerIdNextBlock
        default: break
        }
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("brokers", 2):
            return Int32(parts[1]).map { .broker($0) }
        case ("topics", 2) where !parts[1].isEmpty:
            return .topic(String(parts[1]))
        case ("partitions", 3) where !parts[1].isEmpty:
            return Int32(parts[2]).map { .partition(topic: String(parts[1]), index: $0) }
        default:
            return nil
        }
    }
}
