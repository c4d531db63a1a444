/// Where the cluster's metadata lives: topics and their replica assignments, runtime broker configs,
/// the cluster id and producer-id blocks. `LocalMetadataStore` keeps today's files in the data
/// directory (a single node); an etcd store keeps the same records under etcd keys.
///
/// Every write is a compare-and-swap: it names the version the caller read (`TopicMetadataRecord.version`,
/// `Versioned.version`; `.absent` for a create) and fails with `MetadataStoreError.versionConflict`
/// (or `.topicExists` for a create) when the stored version differs, changing nothing. In etcd that is
/// one transaction comparing the key's `mod_revision`; the version returned is the new revision. A
/// failed write never leaves a partial change behind.
///
/// Errors thrown are `MetadataStoreError`s.
public protocol MetadataStore: Sendable {
    /// Every stored topic, sorted by name.
    func loadTopics() async throws -> [TopicMetadataRecord]

    /// Stores a new topic (compare-and-create: `.topicExists` if the name is taken). The record's
    /// version is ignored; the stored record, with its version, is returned.
    func createTopic(_ record: TopicMetadataRecord) async throws -> TopicMetadataRecord

    /// Removes a topic stored at `expectedVersion`.
    func deleteTopic(named name: String, expectedVersion: MetadataVersion) async throws

    /// Replaces every config override of a topic stored at `expectedVersion`.
    func replaceTopicConfigs(named name: String, with configs: [String: String],
                             expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord

    /// Appends partitions (their replica lists, in partition order) to a topic stored at `expectedVersion`.
    func addPartitions(named name: String, assignments: [[Int32]],
                       expectedVersion: MetadataVersion) async throws -> TopicMetadataRecord

    /// The runtime broker configs, keys prefixed by scope (`broker.<name>`, `default.<name>`);
    /// empty at `.absent` when none were ever set.
    func dynamicBrokerConfigs() async throws -> Versioned<[String: String]>

    /// Replaces the runtime broker configs stored at `expectedVersion`; returns the new version.
    func replaceDynamicBrokerConfigs(_ values: [String: String],
                                     expectedVersion: MetadataVersion) async throws -> MetadataVersion

    /// The cluster id: the stored one, or `candidate` once stored (create-if-absent, so concurrent
    /// first starts agree on one id).
    func clusterId(proposing candidate: String) async throws -> String

    /// Reserves the next `size` producer ids for this broker; blocks never overlap, across restarts
    /// and across brokers.
    func allocateProducerIdBlock(size: Int64) async throws -> ProducerIdBlock

    /// Changes from now on, in the order they were stored, until the stream's consumer stops.
    /// Buffered without bound: a subscriber must keep reading.
    func changes() -> AsyncStream<MetadataChange>
}
