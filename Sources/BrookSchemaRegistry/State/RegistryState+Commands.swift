import BrookSchemas

/// Writes: each validates against the current state and returns the records to append and the
/// response, or the `RegistryError` Confluent would answer with. Nothing here changes the state.
extension RegistryState {
    /// `POST /subjects/{s}/versions`.
    public func register(subject: String, request: RegisterRequest, normalize: Bool) throws(RegistryError) -> RegistryWrite<RegisterResult> {
        try validate(subject: subject)
        // Confluent: a client-chosen id needs IMPORT mode, and without one the mode must be READWRITE.
        let mode = mode(for: subject)
        if mode.refusesWrites { throw .readOnly(subject) }
        if request.id != nil, mode != .import { throw .notImportMode(subject) }
        if request.id == nil, mode != .readWrite { throw .notReadWriteMode(subject) }
        var candidate = try prepare(request, normalize: normalize, asNew: request.id == nil)
        let history = subjects[subject] ?? SubjectVersions()

        // Registering what the subject already has is idempotent: same id, no new version. As in
        // Confluent, the request is looked up as sent, then with the data contract it would inherit.
        let inheriting = candidate.withDataContract(dataContract(of: request, subject: subject, newVersion: nil))
        if let same = lastMatch(subject: subject, includeDeleted: false, candidate)
            ?? lastMatch(subject: subject, includeDeleted: false, inheriting) {
            if let wanted = request.id, wanted != same.id {
                throw .idMismatch("Schema already registered with id \(same.id) instead of input id \(wanted)")
            }
            return RegistryWrite(records: [], response: RegisterResult(id: same.id, version: same.version))
        }

        if mode != .import {
            let level = compatibilityLevel(for: subject)
            let previous = level.isTransitive ? versions(of: subject, includeDeleted: false) : history.latest(includeDeleted: false).map { [$0] } ?? []
            let messages = try compatibilityMessages(of: candidate.parsed, against: previous, level: level)
            if !messages.isEmpty { throw .incompatibleSchema(subject, messages) }
        }

        let next = (history.latest(includeDeleted: true)?.version ?? 0) + 1
        let version = try newVersion(request, next: next, subject: subject, mode: mode)
        candidate = candidate.withDataContract(dataContract(of: request, subject: subject, newVersion: version))
        let id: Int
        if let wanted = request.id {
            guard wanted >= 1, wanted <= Int(Int32.max) else { throw .idMismatch("Invalid id \(wanted)") }
            if let taken = identity(ofID: wanted), taken != candidate.identity {
                throw .operationNotPermitted("Overwrite new schema with id \(wanted) in context . is not permitted.")
            }
            id = wanted
        } else {
            id = self.id(for: candidate.identity) ?? nextID
        }

        var schema = candidate.schema
        // An id names one text: reusing an id (same canonical form) stores the text it already has.
        if let existing = schemasByID[id], identity(ofID: id) == candidate.identity { schema.schema = existing.schema }
        let value = SchemaRecordValue(
            subject: subject, version: version, id: id, schemaType: schema.schemaType, references: schema.references,
            schema: schema.schema, deleted: false, otherMembers: schema.dataContractMembers)
        return RegistryWrite(records: [.schema(subject: subject, version: version, value: value)],
                             response: RegisterResult(id: id, version: version))
    }

    /// The version a registration writes: the next one, or in IMPORT mode the one asked for.
    private func newVersion(_ request: RegisterRequest, next: Int, subject: String, mode: RegistryMode) throws(RegistryError) -> Int {
        guard let wanted = request.version else { return next }
        if mode == .import {
            guard wanted >= 1, wanted <= Int(Int32.max) else { throw .invalidVersion(String(wanted)) }
            if subjects[subject]?[wanted] != nil {
                throw .idMismatch("Version \(wanted) of subject '\(subject)' already exists with another schema")
            }
            return wanted
        }
        if wanted != next { throw .invalidVersion(String(wanted)) }
        return next
    }

    /// `POST /subjects/{s}`: the version of `subject` holding this schema.
    public func lookup(subject: String, request: RegisterRequest, normalize: Bool, includeDeleted: Bool) throws(RegistryError) -> SchemaRecordValue {
        try validate(subject: subject)
        let candidates = versions(of: subject, includeDeleted: includeDeleted)
        guard !candidates.isEmpty else { throw .subjectNotFound(subject) }
        let candidate = try prepare(request, normalize: normalize, asNew: false)
        let inheriting = candidate.withDataContract(dataContract(of: request, subject: subject, newVersion: nil))
        guard let found = lastMatch(subject: subject, includeDeleted: includeDeleted, candidate)
            ?? lastMatch(subject: subject, includeDeleted: includeDeleted, inheriting) else {
            throw .schemaNotFound()
        }
        return found
    }

    /// `DELETE /subjects/{s}/versions/{v}[?permanent=true]`: a soft delete, or the permanent
    /// delete of a version soft-deleted before.
    public func deleteVersion(subject: String, version selector: VersionSelector, permanent: Bool) throws(RegistryError) -> RegistryWrite<Int> {
        try validate(subject: subject)
        if mode(for: subject).refusesWrites { throw .readOnly(subject) }
        let all = versions(of: subject, includeDeleted: true)
        guard !all.isEmpty else { throw .subjectNotFound(subject) }
        let target: SchemaRecordValue
        switch selector {
        case .latest:
            guard let latest = permanent ? all.last : all.last(where: { !$0.deleted }) else { throw .subjectNotFound(subject) }
            target = latest
        case let .number(n):
            guard let found = subjects[subject]?[n] else { throw .versionNotFound(n) }
            target = found
        }
        if !permanent, target.deleted { throw .versionSoftDeleted(subject, target.version) }
        if permanent, !target.deleted { throw .versionNotSoftDeleted(subject, target.version) }
        if !referrers(of: subject, version: target.version).isEmpty { throw .referenceExists(subject, target.version) }
        var deleted = target
        deleted.deleted = true
        return RegistryWrite(records: [.schema(subject: subject, version: target.version, value: permanent ? nil : deleted)],
                             response: target.version)
    }

    /// `DELETE /subjects/{s}[?permanent=true]`: the versions deleted.
    public func deleteSubject(subject: String, permanent: Bool) throws(RegistryError) -> RegistryWrite<[Int]> {
        try validate(subject: subject)
        if mode(for: subject).refusesWrites { throw .readOnly(subject) }
        let all = versions(of: subject, includeDeleted: true)
        guard !all.isEmpty else { throw .subjectNotFound(subject) }
        let live = all.filter { !$0.deleted }
        if !permanent, live.isEmpty { throw .subjectSoftDeleted(subject) }
        if permanent, !live.isEmpty { throw .subjectNotSoftDeleted(subject) }
        for value in all where referrers(of: subject, version: value.version).contains(where: { $0.subject != subject }) {
            throw .referenceExists(subject, value.version)
        }
        if !permanent {
            // The DELETE_SUBJECT record is what Confluent reads; the re-emitted versions keep the
            // deletion when compaction or another reader sees only the SCHEMA keys.
            var records: [SchemaRegistryRecord] = [.deleteSubject(subject: subject, version: all.last!.version)]
            for var value in live {
                value.deleted = true
                records.append(.schema(subject: subject, version: value.version, value: value))
            }
            return RegistryWrite(records: records, response: live.map(\.version))
        }
        var records: [SchemaRegistryRecord] = all.map { .schema(subject: subject, version: $0.version, value: nil) }
        records.append(.deleteSubject(subject: subject, version: nil))
        if subjectConfigs[subject] != nil { records.append(.config(subject: subject, value: nil)) }
        if subjectModes[subject] != nil { records.append(.mode(subject: subject, value: nil)) }
        return RegistryWrite(records: records, response: all.map(\.version))
    }
}
