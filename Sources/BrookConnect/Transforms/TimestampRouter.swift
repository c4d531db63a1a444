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

extension String {
    /// Literal (non-regex) replacement of every occurrence, left to right.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    fileprivate func range(of target: String) -> Range<Substring.Index>? {
        var start = startIndex
        while start < endIndex {
            if self[start...].hasPrefix(target) {
                return start..<index(start, offsetBy: target.count)
            }
            start = index(after: start)
        }
        return nil
    }
}
