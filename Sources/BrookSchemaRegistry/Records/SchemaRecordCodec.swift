import BrookSchemas

/// Reads and writes `_schemas` records in the JSON that Confluent, Karapace and Redpanda share
/// (PLATFORM-NOTES §7), so a registry's data moves between them by copying the topic.
///
/// Reading is lenient where other writers differ (member order, `magic` 0 or 1, an explicit
/// `"schemaType":"AVRO"`, extra members, an empty value for a tombstone); writing is canonical.
public enum SchemaRecordCodec {
    /// A record that cannot be read; replay skips it (as Karapace does) rather than stopping.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    // MARK: Writing

    public static func encode(_ record: SchemaRegistryRecord) -> RegistryLogRecord {
        let value: JSONValue? = switch record {
        case let .schema(_, _, value): value.map(json(schema:))
        // Confluent's values repeat the subject (it rebuilds the key from them); global ones have none.
        case let .config(subject, value): value.map { json(config: $0, subject: subject) }
        case let .mode(subject, value): value.map { .members([("subject", subject.map(JSONValue.string)), ("mode", .string($0.rawValue))]) }
        case let .deleteSubject(subject, version):
            version.map { .members([("subject", .string(subject)), ("version", .int($0))]) }
        case .noop, .other: nil
        }
        return RegistryLogRecord(key: encode(key: record.key), value: value?.utf8Bytes)
    }

    public static func encode(key: SchemaRegistryKey) -> [UInt8] {
        let keytype: (String, JSONValue?) = ("keytype", .string(key.keytype))
        let json: JSONValue = switch key {
        case let .schema(subject, version):
            .members([keytype, ("subject", .string(subject)), ("version", .int(version)), ("magic", .int(1))])
        case let .config(subject), let .mode(subject):
            // Confluent omits a null subject (global setting); Karapace writes null; both read either.
            .members([keytype, ("subject", subject.map(JSONValue.string)), ("magic", .int(0))])
        case let .deleteSubject(subject):
            .members([keytype, ("subject", .string(subject)), ("magic", .int(0))])
        case .noop, .other:
            .members([keytype, ("magic", .int(0))])
        }
        return json.utf8Bytes
    }

    private static func json(schema value: SchemaRecordValue) -> JSONValue {
        var members: [(String, JSONValue?)] = [
            ("subject", .string(value.subject)), ("version", .int(value.version)), ("id", .int(value.id)),
            // Confluent omits schemaType for Avro; older readers expect that.
            ("schemaType", value.schemaType == .avro ? nil : .string(value.schemaType.rawValue)),
            ("references", value.references.isEmpty ? nil : .array(value.references.map(\.json))),
        ]
        members += (value.otherMembers.objectMembers ?? []).map { ($0.0, $0.1) }
        members += [("schema", .string(value.schema)), ("deleted", .bool(value.deleted))]
        return .members(members)
    }

    private static func json(config value: ConfigRecordValue, subject: String?) -> JSONValue {
        var members: [(String, JSONValue?)] = [
            ("subject", subject.map(JSONValue.string)), ("compatibilityLevel", value.compatibilityLevel.map { .string($0.rawValue) }),
        ]
        members += (value.otherMembers.objectMembers ?? []).map { ($0.0, $0.1) }
        return .members(members)
    }

    // MARK: Reading

    public static func decode(_ record: RegistryLogRecord) throws(Failure) -> SchemaRegistryRecord {
        try decode(key: record.key, value: record.value)
    }

    public static func decode(key keyBytes: [UInt8], value valueBytes: [UInt8]?) throws(Failure) -> SchemaRegistryRecord {
        let key = try parseObject(keyBytes, what: "key")
        guard let keytype = key["keytype"]?.stringValue else { throw Failure(reason: "key has no keytype") }
        // Karapace reads an empty value, like a null one, as a tombstone.
        let value: JSONValue? = try valueBytes.flatMap { bytes throws(Failure) in
            bytes.isEmpty ? nil : try parseValue(bytes)
        }
        switch keytype {
        case "SCHEMA":
            guard let subject = key["subject"]?.stringValue, let version = key["version"]?.intValue else {
                throw Failure(reason: "SCHEMA key without subject and version")
            }
            return .schema(subject: subject, version: version, value: try value.map { v throws(Failure) in try schemaValue(v) })
        case "CONFIG":
            return .config(subject: try optionalSubject(key), value: try value.map { v throws(Failure) in try configValue(v) })
        case "MODE":
            return .mode(subject: try optionalSubject(key), value: try value.map { v throws(Failure) in
                guard let text = v["mode"]?.stringValue, let mode = RegistryMode(rawValue: text) else {
                    throw Failure(reason: "MODE value without a known mode")
                }
                return mode
            })
        case "DELETE_SUBJECT":
            guard let subject = key["subject"]?.stringValue else { throw Failure(reason: "DELETE_SUBJECT key without subject") }
            guard let value else { return .deleteSubject(subject: subject, version: nil) }
            // Redpanda writes no version: the whole subject.
            guard let version = value["version"] else { return .deleteSubject(subject: subject, version: Int(Int32.max)) }
            guard let number = version.intValue else { throw Failure(reason: "DELETE_SUBJECT value with a non-integer version") }
            return .deleteSubject(subject: subject, version: number)
        case "NOOP":
            return .noop
        default:
            return .other(keytype: keytype)
        }
    }

    private static func parseObject(_ bytes: [UInt8], what: String) throws(Failure) -> JSONValue {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw Failure(reason: "\(what) is not JSON: \(error)")
        }
        guard json.objectMembers != nil else { throw Failure(reason: "\(what) is not a JSON object") }
        return json
    }

    private static func parseValue(_ bytes: [UInt8]) throws(Failure) -> JSONValue? {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw Failure(reason: "value is not JSON: \(error)")
        }
        if json.isNull { return nil }
        guard json.objectMembers != nil else { throw Failure(reason: "value is not a JSON object") }
        return json
    }

    private static func optionalSubject(_ key: JSONValue) throws(Failure) -> String? {
        switch key["subject"] {
        case nil, .null?: return nil
        case let .string(subject)?: return subject
        default: throw Failure(reason: "key subject is neither a string nor null")
        }
    }

    private static let schemaMembers: Set<String> = ["subject", "version", "id", "schemaType", "references", "schema", "deleted"]

    private static func schemaValue(_ json: JSONValue) throws(Failure) -> SchemaRecordValue {
        guard let subject = json["subject"]?.stringValue, let version = json["version"]?.intValue,
              let id = json["id"]?.intValue, let schema = json["schema"]?.stringValue else {
            throw Failure(reason: "SCHEMA value without subject, version, id and schema")
        }
        var type = SchemaType.avro
        if let text = json["schemaType"]?.stringValue {
            guard let known = SchemaType(rawValue: text) else { throw Failure(reason: "unknown schemaType \(text)") }
            type = known
        }
        var references: [SchemaReference] = []
        if let list = json["references"], !list.isNull {
            guard let items = list.arrayValue else { throw Failure(reason: "references is not an array") }
            for item in items {
                guard let reference = SchemaReference(json: item) else { throw Failure(reason: "malformed reference") }
                references.append(reference)
            }
        }
        let others = (json.objectMembers ?? []).filter { !schemaMembers.contains($0.0) }
        return SchemaRecordValue(
            subject: subject, version: version, id: id, schemaType: type, references: references,
            schema: schema, deleted: json["deleted"]?.boolValue ?? false, otherMembers: .object(others))
    }

    private static func configValue(_ json: JSONValue) throws(Failure) -> ConfigRecordValue {
        var level: CompatibilityLevel?
        if let text = json["compatibilityLevel"]?.stringValue {
            guard let known = CompatibilityLevel(rawValue: text) else { throw Failure(reason: "unknown compatibilityLevel \(text)") }
            level = known
        }
        let others = (json.objectMembers ?? []).filter { $0.0 != "compatibilityLevel" && $0.0 != "subject" }
        return ConfigRecordValue(compatibilityLevel: level, otherMembers: .object(others))
    }
}
