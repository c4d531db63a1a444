import BrookSchemas

/// `GET /subjects/{s}/metadata`: versions chosen by their data-contract metadata.
extension RegistryState {
    /// The newest version of `subject` whose `metadata.properties` holds every pair asked for
    /// (Confluent's `getLatestWithMetadata`: versions newest first, soft-deleted ones only with
    /// `includeDeleted`; a version without metadata never matches, one with metadata matches an
    /// empty request). 40401 when the subject has no version to look at, 40403 when none matches.
    ///
    /// `pairs` are the request's `key`/`value` parameters zipped in order; a key given twice keeps
    /// its last value, as Confluent's map does.
    public func latestWithMetadata(subject: String, pairs: [(key: String, value: String)], includeDeleted: Bool) throws(RegistryError) -> SchemaRecordValue {
        try validate(subject: subject)
        var wanted: [String: String] = [:]
        for pair in pairs { wanted[pair.key] = pair.value }
        let candidates = versions(of: subject, includeDeleted: includeDeleted)
        guard !candidates.isEmpty else { throw .subjectNotFound(subject) }
        for value in candidates.reversed() {
            guard let metadata = RegisteredSchema(value).metadata else { continue }
            let properties = metadata["properties"]
            if wanted.allSatisfy({ key, expected in Self.propertyText(properties?[key]) == expected }) {
                return value
            }
        }
        throw .schemaNotFound()
    }

    /// A property as Jackson reads it into Confluent's `Map<String, String>` (scalars as their text).
    private static func propertyText(_ value: JSONValue?) -> String? {
        switch value {
        case let .string(text)?: text
        case let .number(literal)?: literal
        case let .bool(flag)?: flag ? "true" : "false"
        default: nil
        }
    }
}
