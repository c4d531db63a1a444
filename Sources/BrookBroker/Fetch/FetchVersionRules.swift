import BrookProtocol
import Foundation

/// What an old Fetch version changes about answering a partition (Kafka's `KafkaApis`
/// `maybeConvertFetchedData` and `maybeDownConvertStorageError`). Nil for v10+, which need none of it.
struct FetchVersionRules: Sendable {
    /// Magic the records are down-converted to: 0 for v0–1, 1 for v2–3; nil from v4 (magic 2).
    let downconvertMagic: Int8?
    /// Topic configs the rules consult (`compression.type`, `message.downconversion.enable`).
    let resolver: TopicConfigResolver
    let version: Int16

    init?(version: Int16, resolver: @autoclosure () -> TopicConfigResolver) {
        guard version < 10 else { return nil }
        self.version = version
        self.downconvertMagic = version <= 1 ? 0 : version <= 3 ? 1 : nil
        self.resolver = resolver()
    }

    /// A partition error the topic's configs impose before anything is read, if any: a topic whose
    /// `compression.type` is zstd cannot be read below v10 (UNSUPPORTED_COMPRESSION_TYPE), and
    /// down-conversion switched off (`message.downconversion.enable=false`) refuses v0–3
    /// (UNSUPPORTED_VERSION), in that order as in Kafka.
    func configError(topicOverrides: [String: String]) -> ErrorCode? {
        if resolver.effective("compression.type", overrides: topicOverrides).value?.lowercased() == "zstd" {
            return .unsupportedCompressionType
        }
        if downconvertMagic != nil,
           resolver.effective("message.downconversion.enable", overrides: topicOverrides).value?
            .trimmingCharacters(in: .whitespaces).lowercased() == "false" {
            return .unsupportedVersion
        }
        return nil
    }

    /// v5 and older clients do not know KAFKA_STORAGE_ERROR and would give up; Kafka sends
    /// NOT_LEADER_OR_FOLLOWER instead so they refresh metadata and retry.
    func clientCode(_ code: ErrorCode) -> ErrorCode {
        code == .kafkaStorageError && version <= 5 ? .notLeaderOrFollower : code
    }
}
