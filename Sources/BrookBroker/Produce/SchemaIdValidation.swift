import NIOCore

/// A topic's `confluent.key.schema.validation` / `confluent.value.schema.validation` (Confluent
/// Server's names): every produced key or value must start with the Schema Registry wire format
/// (magic byte 0, then a big-endian 4-byte schema id) naming a schema registered under the topic's
/// subject: by default TopicNameStrategy (`<topic>-key`, `<topic>-value`); the topic configs
/// `confluent.key/value.subject.name.strategy` choose RecordNameStrategy or TopicRecordNameStrategy.
/// Null keys and values (tombstones) carry no data and pass.
struct SchemaIdValidation: Sendable {
    var keys: Bool
    var values: Bool
    var topic: String
    var slot: SchemaIdSlot
    var keyStrategy: SubjectNameStrategy = .topicName
    var valueStrategy: SubjectNameStrategy = .topicName

    /// The check's problem with `record`'s key and value, nil when both pass. `lookup` nil: no
    /// registry runs here, so nothing can be vouched for.
    func problem(key: ByteBuffer?, value: ByteBuffer?, lookup: (any SchemaIdLookup)?) -> String? {
        if keys, let problem = problem(key, field: "key", lookup: lookup) { return problem }
        if values, let problem = problem(value, field: "value", lookup: lookup) { return problem }
        return nil
    }

    private func problem(_ data: ByteBuffer?, field: String, lookup: (any SchemaIdLookup)?) -> String? {
        guard let data else { return nil }
        let strategy = field == "key" ? keyStrategy : valueStrategy
        guard let lookup else {
            return "Record \(field) cannot be validated: topic \(topic) has confluent.\(field).schema.validation=true " +
                "but this broker runs no Schema Registry."
        }
        guard data.readableBytes >= 5, data.getInteger(at: data.readerIndex, as: UInt8.self) == 0,
              let id = data.getInteger(at: data.readerIndex + 1, as: Int32.self) else {
            return "Record \(field) has no schema id: expected the Schema Registry wire format " +
                "(magic byte 0 and a 4-byte schema id)" + (strategy == .topicName ? " for subject \(topic)-\(field)." : ".")
        }
        guard let subjects = lookup.subjects(ofSchemaId: id) else {
            return "Record \(field) names schema id \(id), which is not registered in the Schema Registry."
        }
        guard let subject = strategy.subject(topic: topic, field: field, recordName: lookup.recordName(ofSchemaId: id)) else {
            return "Record \(field) names schema id \(id), which has no record name for \(strategy.configName) " +
                "(confluent.\(field).subject.name.strategy)."
        }
        guard subjects.contains(subject) else {
            return "Record \(field) names schema id \(id), which is not registered under subject \(subject)."
        }
        return nil
    }
}
