/// The internal `__consumer_offsets` topic: where group metadata and committed offsets live.
enum OffsetsTopic {
    static let name = "__consumer_offsets"

    /// Topic configs Kafka gives it: compacted, 100 MiB segments (`offsets.topic.segment.bytes`).
    static let configs: [String: String] = ["cleanup.policy": "compact", "segment.bytes": "104857600"]
}
