import BrookCluster
import BrookProtocol

/// This node's cluster id and node id. The cluster id comes from the metadata store (a single node:
/// `meta.properties` in the data directory, as Kafka keeps it).
public struct ClusterIdentity: Sendable {
    public let clusterId: String
    public let nodeId: Int32

    /// The stored cluster id, or a new random one once stored. A `meta.properties` written for
    /// another node id is refused.
    static func loadOrCreate(store: any BlockingMetadataStore, nodeId: Int32) throws -> ClusterIdentity {
        do {
            let clusterId = try store.clusterId(proposing: KafkaUUID.random().description)
            return ClusterIdentity(clusterId: clusterId, nodeId: nodeId)
        } catch MetadataStoreError.identityMismatch(let message) {
            throw ConfigError(message)
        }
    }
}
