import BrookSchemas

extension JSONValue {
    /// An object from members in order, leaving out the ones whose value is nil (optional fields that
    /// Confluent omits rather than writing `null`).
    static func members(_ members: [(String, JSONValue?)]) -> JSONValue {
        .object(members.compactMap { name, value in value.map { (name, $0) } })
    }

    static func int(_ value: Int) -> JSONValue { JSONValue(integer: Int64(value)) }

    /// The number as an `Int` when it is an integer literal in range (record fields and ids).
    var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var utf8Bytes: [UInt8] { Array(compactText.utf8) }
}

extension SchemaReference {
    var json: JSONValue {
        .members([("name", .string(name)), ("subject", .string(subject)), ("version", .int(version))])
    }

    /// A reference from `{"name","subject","version"}`; nil when a member is missing or mistyped.
    init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let subject = json["subject"]?.stringValue,
              let version = json["version"]?.intValue else { return nil }
        self.init(name: name, subject: subject, version: version)
    }
}
