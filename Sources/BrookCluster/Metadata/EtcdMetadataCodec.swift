import BrookEtcd
import BrookProtocol
import Foundation

/// The JSON (and decimal) values of the etcd key layout. Decoding ignores fields it does not know,
/// so a newer broker may add some; a value that does not decode is a `MetadataStoreError.storage`
/// naming the key, never a crash.
enum EtcdMetadataCodec {
    /// `/topics/<name>`: `{"id","partitions","configs"}`.
    struct TopicValue: Codable {
        var id: String
        var partitions: [[Int32]]
        var configs: [String: String]?
    }

    static func encode<Value: Encodable>(_ value: Value) throws(MetadataStoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return Array(try encoder.encode(value)) } catch { throw .invalid("cannot encode \(Value.self): \(error)") }
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from kv: EtcdKeyValue, what: String) throws(MetadataStoreError) -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(kv.value))
        } catch {
            throw .storage("etcd key \(kv.keyString) does not hold a valid \(what) (\(error)); value: \(preview(kv.value))")
        }
    }

    static func topicValue(_ record: TopicMetadataRecord) throws(MetadataStoreError) -> [UInt8] {
        try encode(TopicValue(id: record.topicId.description, partitions: record.replicaAssignment, configs: record.configs))
    }

    static func topic(named name: String, from kv: EtcdKeyValue) throws(MetadataStoreError) -> TopicMetadataRecord {
        let value = try decode(TopicValue.self, from: kv, what: "topic record")
        guard let id = KafkaUUID(base64: value.id) else {
            throw .storage("etcd key \(kv.keyString) holds a topic id that is not a Kafka UUID: \(value.id)")
        }
        guard !value.partitions.isEmpty else {
            throw .storage("etcd key \(kv.keyString) holds a topic record without partitions")
        }
        return TopicMetadataRecord(name: name, topicId: id, replicaAssignment: value.partitions,
                                   configs: value.configs ?? [:], version: MetadataVersion(revision: kv.modRevision))
    }

    /// `/configs/broker`: a flat JSON object of strings.
    static func brokerConfigs(from kv: EtcdKeyValue) throws(MetadataStoreError) -> Versioned<[String: String]> {
        Versioned(try decode([String: String].self, from: kv, what: "broker config map"),
                  version: MetadataVersion(revision: kv.modRevision))
    }

    /// A decimal value (`producer_ids/next_block`, `controller_epoch`).
    static func decimal(from kv: EtcdKeyValue) throws(MetadataStoreError) -> Int64 {
        guard let value = Int64(kv.valueString.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw .storage("etcd key \(kv.keyString) does not hold a decimal number; value: \(preview(kv.value))")
        }
        return value
    }

    /// The start of a stored value, for error messages.
    static func preview(_ value: [UInt8]) -> String {
        let text = String(decoding: value.prefix(120), as: UTF8.self)
        return value.count > 120 ? "\"\(text)...\"" : "\"\(text)\""
    }
}

/// etcd client failures as the store reports them.
func etcdCall<T>(_ what: String, _ body: () async throws -> T) async throws(MetadataStoreError) -> T {
    do {
        return try await body()
    } catch let error as MetadataStoreError {
        throw error
    } catch {
        throw .storage("etcd \(what) failed: \(error)")
    }
}
