import BrookProtocol
import Foundation

/// This node's cluster id and node id, kept in `meta.properties` in the data directory as Kafka does.
public struct ClusterIdentity: Sendable {
    public let clusterId: String
    public let nodeId: Int32

    static func loadOrCreate(dataDir: String, nodeId: Int32) throws -> ClusterIdentity {
        let path = (dataDir as NSString).appendingPathComponent("meta.properties")
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let props = Dictionary(BrokerConfig.parseProperties(text), uniquingKeysWith: { _, last in last })
            if let id = props["cluster.id"], !id.isEmpty {
                if let stored = props["node.id"].flatMap(Int32.init), stored != nodeId {
                    throw ConfigError("node.id \(nodeId) does not match node.id \(stored) stored in \(path)")
                }
                return ClusterIdentity(clusterId: id, nodeId: nodeId)
            }
        }
        let identity = ClusterIdentity(clusterId: KafkaUUID.random().description, nodeId: nodeId)
        let text = "#\n#Written by brook\nversion=1\ncluster.id=\(identity.clusterId)\nnode.id=\(nodeId)\n"
        let tmp = path + ".tmp"
        try text.write(toFile: tmp, atomically: false, encoding: .utf8)
        guard rename(tmp, path) == 0 else { throw ConfigError("cannot write \(path): errno \(errno)") }
        return identity
    }
}
