/// One change to the stored metadata, as seen by `MetadataStore.changes()`. The etcd store turns
/// watch events into these; the local store reports its own writes.
public enum MetadataChange: Sendable, Hashable {
    case topicCreated(TopicMetadataRecord)
    /// The topic's configs or partitions changed; the record is the new one.
    case topicUpdated(TopicMetadataRecord)
    case topicDeleted(name: String, version: MetadataVersion)
    case dynamicBrokerConfigsChanged(Versioned<[String: String]>)
}
