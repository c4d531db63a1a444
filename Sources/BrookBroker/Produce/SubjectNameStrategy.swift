/// Confluent's subject name strategies, which say under which subject a key's or value's schema is
/// registered; broker-side validation (`confluent.key/value.subject.name.strategy`, Confluent
/// Server's topic configs) checks the schema id against that subject.
enum SubjectNameStrategy: Sendable, Equatable {
    /// `<topic>-key` / `<topic>-value` (the default).
    case topicName
    /// The schema's fully qualified record name.
    case recordName
    /// `<topic>-<record name>`.
    case topicRecordName

    static let packagePrefix = "io.confluent.kafka.serializers.subject."
    static let defaultConfigValue = packagePrefix + "TopicNameStrategy"
    /// Accepted config values: Confluent's class names, with or without their package.
    static let configValues = ["TopicNameStrategy", "RecordNameStrategy", "TopicRecordNameStrategy"]
        .flatMap { [packagePrefix + $0, $0] }

    init?(configValue: String) {
        let name = configValue.hasPrefix(Self.packagePrefix) ? String(configValue.dropFirst(Self.packagePrefix.count)) : configValue
        switch name {
        case "TopicNameStrategy": self = .topicName
        case "RecordNameStrategy": self = .recordName
        case "TopicRecordNameStrategy": self = .topicRecordName
        default: return nil
        }
    }

    /// The subject for `field` ("key" or "value") of a record on `topic` whose schema has
    /// `recordName`; nil when the strategy needs a record name and the schema has none.
    func subject(topic: String, field: String, recordName: String?) -> String? {
        switch self {
        case .topicName: return "\(topic)-\(field)"
        case .recordName: return recordName
        case .topicRecordName: return recordName.map { "\(topic)-\($0)" }
        }
    }

    var configName: String {
        switch self {
        case .topicName: "TopicNameStrategy"
        case .recordName: "RecordNameStrategy"
        case .topicRecordName: "TopicRecordNameStrategy"
        }
    }
}
