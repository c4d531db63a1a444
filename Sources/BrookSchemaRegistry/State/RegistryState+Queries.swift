import BrookSchemas

/// Reads, answered from memory with Confluent's not-found errors.
extension RegistryState {
    /// `GET /subjects`: sorted names of subjects with a live version (or any version, or only
    /// soft-deleted ones).
    public func subjectNames(prefix: String = "", includeDeleted: Bool = false, deletedOnly: Bool = false) -> [String] {
        subjects.compactMap { name, versions in
            guard name.hasPrefix(prefix) else { return nil }
            let hasLive = versions.values.contains { !$0.deleted }
            let hasDeleted = versions.values.contains { $0.deleted }
            if deletedOnly { return hasDeleted ? name : nil }
            return hasLive || includeDeleted ? name : nil
        }.sorted()
    }

    /// `GET /subjects/{s}/versions`.
    public func versionNumbers(subject: String, includeDeleted: Bool = false, deletedOnly: Bool = false) throws(RegistryError) -> [Int] {
        try validate(subject: subject)
        let all = versions(of: subject, includeDeleted: true)
        let chosen = all.filter { deletedOnly ? $0.deleted : (includeDeleted || !$0.deleted) }
        guard !all.isEmpty, deletedOnly || !chosen.isEmpty else { throw .subjectNotFound(subject) }
        return chosen.map(\.version)
    }

    /// `GET /subjects/{s}/versions/{v}`.
    public func version(subject: String, _ selector: VersionSelector, includeDeleted: Bool = false) throws(RegistryError) -> SchemaRecordValue {
        try validate(subject: subject)
        let candidates = versions(of: subject, includeDeleted: includeDeleted)
        guard !candidates.isEmpty else { throw .subjectNotFound(subject) }
        switch selector {
        case .latest:
            return candidates.last!
        case let .number(n):
            guard let found = candidates.first(where: { $0.version == n }) else { throw .versionNotFound(n) }
            return found
        }
    }

    /// `GET /subjects/{s}/versions/{v}/referencedby`: ids of live schemas referencing that version.
    public func referencedBy(subject: String, _ selector: VersionSelector) throws(RegistryError) -> [Int] {
        let target = try version(subject: subject, selector, includeDeleted: true)
        return Array(Set(referrers(of: subject, version: target.version).map(\.id))).sorted()
    }

    /// `GET /schemas/ids/{id}`.
    public func schema(id: Int) throws(RegistryError) -> RegisteredSchema {
        guard let schema = schemasByID[id] else { throw .schemaIDNotFound(id) }
        return schema
    }

    /// `GET /schemas/ids/{id}/versions`: where the id is used.
    public func subjectVersions(id: Int, includeDeleted: Bool = false) throws(RegistryError) -> [SubjectVersionReference] {
        guard schemasByID[id] != nil else { throw .schemaIDNotFound(id) }
        return users(of: id).filter { includeDeleted || subjects[$0.subject]?[$0.version]?.deleted == false }.sorted()
    }

    /// `GET /schemas/ids/{id}/subjects`.
    public func subjectNames(id: Int, includeDeleted: Bool = false) throws(RegistryError) -> [String] {
        Array(Set(try subjectVersions(id: id, includeDeleted: includeDeleted).map(\.subject))).sorted()
    }

    /// `GET /schemas`: versions of matching subjects, by subject then version.
    public func allVersions(prefix: String = "", includeDeleted: Bool = false, latestOnly: Bool = false) -> [SchemaRecordValue] {
        subjectNames(prefix: prefix, includeDeleted: includeDeleted).flatMap { name in
            let chosen = versions(of: name, includeDeleted: includeDeleted)
            return latestOnly ? Array(chosen.suffix(1)) : chosen
        }
    }

    /// `GET /config[/{s}]`: the subject's own setting (40408 if none unless `defaultToGlobal`).
    public func config(subject: String?, defaultToGlobal: Bool = false) throws(RegistryError) -> ConfigRecordValue {
        let global = globalConfig ?? ConfigRecordValue(compatibilityLevel: .backward)
        guard let subject else { return global }
        try validate(subject: subject)
        if let own = subjectConfigs[subject] { return own }
        if defaultToGlobal { return global }
        throw .subjectCompatibilityNotConfigured(subject)
    }

    /// `GET /mode[/{s}]`: the subject's own mode (40409 if none unless `defaultToGlobal`).
    public func mode(subject: String?, defaultToGlobal: Bool = false) throws(RegistryError) -> RegistryMode {
        guard let subject else { return globalMode ?? .readWrite }
        try validate(subject: subject)
        if let own = subjectModes[subject] { return own }
        if defaultToGlobal { return globalMode ?? .readWrite }
        throw .subjectModeNotConfigured(subject)
    }

    /// The number of distinct schema ids in use.
    public var schemaCount: Int { schemasByID.count }
}
