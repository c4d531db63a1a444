import BrookSchemas

/// Compatibility checks: the endpoint's answer and the messages registration reports on 409.
extension RegistryState {
    /// `POST /compatibility/subjects/{s}/versions[/{v}]`: against one version (`latest` when the
    /// subject has none is compatible), or against the live versions the level looks at when
    /// `version` is nil. With `verbose`, an invalid schema is an incompatible answer, not 42201.
    public func checkCompatibility(
        subject: String, version selector: VersionSelector?, request: RegisterRequest, normalize: Bool, verbose: Bool = false
    ) throws(RegistryError) -> CompatibilityResult {
        try validate(subject: subject)
        let live = versions(of: subject, includeDeleted: false)
        let previous: [SchemaRecordValue]
        switch selector {
        case nil: previous = live
        case .latest?: previous = Array(live.suffix(1))
        case let .number(n)?:
            guard let found = live.first(where: { $0.version == n }) else { throw .versionNotFound(n) }
            previous = [found]
        }
        let parsed: any ParsedSchema
        do {
            parsed = try prepare(request, normalize: normalize).parsed
        } catch where verbose && error.errorCode == 42201 {
            return CompatibilityResult(isCompatible: false, messages: [error.message])
        }
        let messages = try compatibilityMessages(of: parsed, against: previous, level: compatibilityLevel(for: subject))
        return CompatibilityResult(isCompatible: messages.isEmpty, messages: messages)
    }

    /// Confluent's verbose messages for a new schema against live versions (oldest first), empty
    /// when compatible: the issues with the newest version that breaks, that version and its
    /// text, then the level applied. Non-transitive levels look at the latest version only.
    func compatibilityMessages(of parsed: any ParsedSchema, against live: [SchemaRecordValue], level: CompatibilityLevel) throws(RegistryError) -> [String] {
        guard level != .none else { return [] }
        for value in (level.isTransitive ? live[...] : live.suffix(1)).reversed() {
            let old: any ParsedSchema
            if let cached = parsedByID[value.id] {
                old = cached
            } else {
                do {
                    old = try parsedSchema(text: value.schema, type: value.schemaType, references: value.references, stored: true)
                } catch {
                    throw .invalidSchema("Version \(value.version) of subject '\(value.subject)' does not parse: \(error.message)")
                }
            }
            let messages = CompatibilityChecker.confluentMessages(new: parsed, old: old, oldVersion: value.version, level: level)
            if !messages.isEmpty {
                return messages + ["{validateFields: 'false', compatibility: '\(level.rawValue)'}"]
            }
        }
        return []
    }
}
