import BrookCluster
import BrookProtocol

/// This node's cluster id and node id. The cluster id comes from the metadata store (a single node:
/// `meta.properties` in the data directory, as Kafka keeps it).
public struct ClusterIdentity: Sendable {
    public let clusterId: String
    public let nodeId: Int32

    /// The stored cluster id, or a new random one once stored (a cluster's start-up). A
    /// `meta.properties` written for another node id is refused.
    static func loadOrCreate(store: any MetadataStore, nodeId: Int32) async throws -> ClusterIdentity {
        do {
            return ClusterIdentity(clusterId: try await store.clusterId(proposing: KafkaUUID.random().description),
                                   nodeId: nodeId)
        } catch MetadataStoreError.identityMismatch(let message) {
            throw ConfigError(message)
        }
    }

    /// As above, from the local store, which answers without suspending (a single node's start-up).
    static func loadOrCreate(store: LocalMetadataStore, nodeId: Int32) throws -> ClusterIdentity {
        do {
            return ClusterIdentity(clusterId: try store.clusterId(proposing: KafkaUUID.random().description), nodeId: nodeId)
        } catch MetadataStoreError.identityMismatch(let message) {
            throw ConfigError(message)
        }
    }
}
