import BrookSchemas

/// Compatibility and mode settings, global or per subject (written as CONFIG and MODE records).
extension RegistryState {
    /// `PUT /config[/{s}]`: sets the level and keeps any other settings given (or set before).
    public func setConfig(subject: String?, compatibility: CompatibilityLevel?, otherMembers: JSONValue) throws(RegistryError) -> RegistryWrite<ConfigRecordValue> {
        if let subject { try validate(subject: subject) }
        let previous = subject.map { subjectConfigs[$0] } ?? globalConfig
        var members = previous?.otherMembers.objectMembers ?? []
        for (name, value) in otherMembers.objectMembers ?? [] {
            members.removeAll { $0.0 == name }
            if !value.isNull { members.append((name, value)) }
        }
        let value = ConfigRecordValue(compatibilityLevel: compatibility ?? previous?.compatibilityLevel ?? (subject == nil ? .backward : nil),
                                      otherMembers: .object(members))
        return RegistryWrite(records: [.config(subject: subject, value: value)], response: value)
    }

    /// `DELETE /config[/{s}]`: removes the setting and returns what it was.
    public func deleteConfig(subject: String?) throws(RegistryError) -> RegistryWrite<ConfigRecordValue> {
        guard let subject else {
            let previous = globalConfig ?? ConfigRecordValue(compatibilityLevel: .backward)
            return RegistryWrite(records: [.config(subject: nil, value: nil)], response: previous)
        }
        try validate(subject: subject)
        guard let previous = subjectConfigs[subject] else { throw .subjectNotFound(subject) }
        return RegistryWrite(records: [.config(subject: subject, value: nil)], response: previous)
    }

    /// `PUT /mode[/{s}]`. Entering IMPORT needs no live subject where it applies, unless forced;
    /// soft-deleted versions left there are then deleted permanently, as Confluent does, so
    /// imported ids and versions cannot collide with them.
    public func setMode(subject: String?, mode: RegistryMode, force: Bool) throws(RegistryError) -> RegistryWrite<RegistryMode> {
        if let subject { try validate(subject: subject) }
        var records: [SchemaRegistryRecord] = []
        if mode == .import, self.mode(for: subject) != .import, !force {
            let scope = subject.map { [$0] } ?? Array(subjects.keys)
            if scope.contains(where: { !versions(of: $0, includeDeleted: false).isEmpty }) {
                throw .operationNotPermitted("Cannot import since found existing subjects")
            }
            for name in scope.sorted() {
                records += versions(of: name, includeDeleted: true).map { .schema(subject: name, version: $0.version, value: nil) }
            }
        }
        records.append(.mode(subject: subject, value: mode))
        return RegistryWrite(records: records, response: mode)
    }

    /// `DELETE /mode/{s}`: removes the subject's mode and returns what it was.
    public func deleteMode(subject: String) throws(RegistryError) -> RegistryWrite<RegistryMode> {
        try validate(subject: subject)
        guard let previous = subjectModes[subject] else { throw .subjectNotFound(subject) }
        return RegistryWrite(records: [.mode(subject: subject, value: nil)], response: previous)
    }
}
