import NIOConcurrencyHelpers

/// What Produce needs from a Schema Registry to enforce `confluent.key.schema.validation` /
/// `confluent.value.schema.validation`: the subjects a schema id is registered under. Implemented
/// by the registry that `brook serve` runs beside the broker (BrookSchemaRegistry sits above
/// BrookBroker, so the broker only knows this seam). Must answer from memory, without waiting.
public protocol SchemaIdLookup: Sendable {
    /// The subjects with a live version of schema `id`; nil when no schema has that id.
    func subjects(ofSchemaId id: Int32) -> Set<String>?
    /// The schema's fully qualified record name (Avro named type, first Protobuf message, JSON
    /// Schema `title`), for RecordNameStrategy and TopicRecordNameStrategy; nil when it has none.
    func recordName(ofSchemaId id: Int32) -> String?
}

extension SchemaIdLookup {
    public func recordName(ofSchemaId id: Int32) -> String? { nil }
}

/// Where the running registry's lookup is installed (nil while none runs), read on every produce
/// to a topic that validates schema ids.
public final class SchemaIdSlot: Sendable {
    private let lookup = NIOLockedValueBox<(any SchemaIdLookup)?>(nil)

    public init() {}

    public func install(_ lookup: (any SchemaIdLookup)?) {
        self.lookup.withLockedValue { $0 = lookup }
    }

    var current: (any SchemaIdLookup)? { lookup.withLockedValue { $0 } }
}
