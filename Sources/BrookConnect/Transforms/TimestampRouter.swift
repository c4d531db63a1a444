/// Renames the topic from the original name and the record timestamp (Kafka's `TimestampRouter`):
/// `topic.format` (default `${topic}-${timestamp}`), `timestamp.format` (default `yyyyMMdd`, UTC).
public struct TimestampRouter: ConnectTransformation {
    let topicFormat: String
    let timestampFormat: JavaDateFormat

    public init(config: ConnectConfigReader) throws(ConnectConfigError) {
        topicFormat = config.string("topic.format") ?? "${topic}-${timestamp}"
        let pattern = config.string("timestamp.format") ?? "yyyyMMdd"
        do {
            timestampFormat = try JavaDateFormat(pattern)
        } catch {
            throw config.invalid("timestamp.format", pattern, error.message)
        }
    }

    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        guard let timestamp = record.timestamp else {
            throw ConnectDataError("Timestamp missing on record: \(record.javaDescription)")
        }
        let formatted = timestampFormat.format(millis: timestamp)
        var copy = record
        copy.topic = topicFormat.replacingAll("${topic}", with: record.topic).replacingAll("${timestamp}", with: formatted)
        return copy
    }
}

extension ConnectRecord {
    /// Roughly Kafka's `ConnectRecord.toString()`, for error messages.
    var javaDescription: String {
        "ConnectRecord{topic='\(topic)', kafkaPartition=\(kafkaPartition.map(String.init) ?? "null"), key=\(JavaText.string(of: key)), "
            + "keySchema=\(keySchema.map { $0.description } ?? "null"), value=\(JavaText.string(of: value)), "
            + "valueSchema=\(valueSchema.map { $0.description } ?? "null"), timestamp=\(timestamp.map(String.init) ?? "null"), headers=ConnectHeaders(headers=)}"
    }
}
