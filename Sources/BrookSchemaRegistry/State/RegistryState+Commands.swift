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
        let candidate = try prepare(request, normalize: normalize)
        let history = subjects[subject] ?? SubjectVersions()

        // Registering what the subject already has is idempotent: same id, no new version.
        if let same = lastMatch(subject: subject, includeDeleted: false, candidate) {
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

        let next = (history.latest(includeDeleted: true)?.version ?? 0) + 1
        var version = next
        if let wanted = request.version {
            if mode == .import {
                guard wanted >= 1, wanted <= Int(Int32.max) else { throw .invalidVersion(String(wanted)) }
                if subjects[subject]?[wanted] != nil {
                    throw .idMismatch("Version \(wanted) of subject '\(subject)' already exists with another schema")
                }
                version = wanted
            } else if wanted != next {
                throw .invalidVersion(String(wanted))
            }
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

    /// `POST /subjects/{s}`: the version of `subject` holding this schema.
    public func lookup(subject: String, request: RegisterRequest, normalize: Bool, includeDeleted: Bool) throws(RegistryError) -> SchemaRecordValue {
        try validate(subject: subject)
        let candidates = versions(of: subject, includeDeleted: includeDeleted)
        guard !candidates.isEmpty else { throw .subjectNotFound(subject) }
        let candidate = try prepare(request, normalize: normalize)
        guard let found = lastMatch(subject: subject, includeDeleted: includeDeleted, candidate) else {
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

    // MARK: Helpers

    /// Confluent refuses empty names, control characters and its reserved names.
    func validate(subject: String) throws(RegistryError) {
        if subject.isEmpty || subject == "__GLOBAL" || subject == "__EMPTY"
            || subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidSubject(subject)
        }
    }

    /// A submitted schema, parsed, as it would be stored, and its identity.
    struct Candidate {
        var parsed: any ParsedSchema
        var schema: RegisteredSchema
        var identity: RegisteredSchema.Identity
        /// The normalized text, when the request asked for `normalize`.
        var normalizedText: String?
    }

    /// Parses a request's schema with its references resolved; the text to store is the canonical
    /// one, or the normalized one when asked.
    func prepare(_ request: RegisterRequest, normalize: Bool) throws(RegistryError) -> Candidate {
        guard !request.schema.isEmpty else { throw .invalidSchema("Empty schema") }
        let parsed = try parsedSchema(text: request.schema, type: request.schemaType, references: request.references)
        var schema = RegisteredSchema(schemaType: request.schemaType, schema: parsed.canonicalString, references: request.references,
                                      metadata: request.metadata, ruleSet: request.ruleSet)
        guard normalize else {
            return Candidate(parsed: parsed, schema: schema, identity: schema.identity(canonicalText: parsed.canonicalString))
        }
        schema.schema = parsed.normalized()
        // Stored normalized, it will be identified by the canonical form of that text once applied.
        let canonical = (try? parsedSchema(text: schema.schema, type: schema.schemaType, references: schema.references))?.canonicalString
        return Candidate(parsed: parsed, schema: schema, identity: schema.identity(canonicalText: canonical ?? schema.schema),
                         normalizedText: schema.schema)
    }

    func parsedSchema(text: String, type: SchemaType, references: [SchemaReference]) throws(RegistryError) -> any ParsedSchema {
        let resolved = try resolve(references)
        do {
            return try parse(text, type, resolved)
        } catch {
            throw .invalidSchema(error.message)
        }
    }

    /// Every schema `references` depends on, directly or not, each once, dependencies first.
    func resolve(_ references: [SchemaReference]) throws(RegistryError) -> [ResolvedReference] {
        var resolved: [ResolvedReference] = []
        var seen = Set<SubjectVersionReference>()
        try resolve(references, into: &resolved, seen: &seen)
        return resolved
    }

    private func resolve(_ references: [SchemaReference], into resolved: inout [ResolvedReference], seen: inout Set<SubjectVersionReference>) throws(RegistryError) {
        for reference in references {
            let target: SchemaRecordValue?
            if reference.version == -1 {
                target = versions(of: reference.subject, includeDeleted: false).last
            } else {
                target = subjects[reference.subject]?[reference.version]
            }
            guard let target else {
                throw .invalidSchema("Invalid reference \(reference.name): subject '\(reference.subject)' version \(reference.version) not found")
            }
            guard seen.insert(SubjectVersionReference(subject: target.subject, version: target.version)).inserted else { continue }
            try resolve(target.references, into: &resolved, seen: &seen)
            resolved.append(ResolvedReference(reference: reference, schema: target.schema))
        }
    }

    /// The latest version of `subject` (live ones only unless `includeDeleted`) holding the
    /// candidate. Every applied schema's identity is indexed, so without `normalize` this is a
    /// lookup of the identity's id among the id's users, not a scan of the subject.
    private func lastMatch(subject: String, includeDeleted: Bool, _ candidate: Candidate) -> SchemaRecordValue? {
        let history = subjects[subject] ?? SubjectVersions()
        if candidate.normalizedText == nil {
            guard let id = id(for: candidate.identity) else { return nil }
            return users(of: id).filter { $0.subject == subject }.compactMap { history[$0.version] }
                .filter { includeDeleted || !$0.deleted }.max { $0.version < $1.version }
        }
        return history.values.last { (includeDeleted || !$0.deleted) && isSame($0, as: candidate) }
    }

    /// Whether a stored version holds the candidate: the same canonical form (text from another
    /// registry may be formatted differently), or with `normalize` the same normalized form.
    private func isSame(_ value: SchemaRecordValue, as candidate: Candidate) -> Bool {
        if identity(ofID: value.id) == candidate.identity { return true }
        guard let normalizedText = candidate.normalizedText, let parsed = parsedByID[value.id] else { return false }
        return RegisteredSchema(value).identity(canonicalText: parsed.normalized()) == candidate.schema.identity(canonicalText: normalizedText)
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
                    old = try parsedSchema(text: value.schema, type: value.schemaType, references: value.references)
                } catch {
                    throw .invalidSchema("Version \(value.version) of subject '\(value.subject)' does not parse: \(error.message)")
                }
            }
            let issues = CompatibilityChecker.issues(new: parsed, previous: [old], level: level)
            if !issues.isEmpty {
                return issues.map(\.description) + [
                    "{oldSchemaVersion: \(value.version)}", "{oldSchema: '\(value.schema)'}",
                    "{validateFields: 'false', compatibility: '\(level.rawValue)'}",
                ]
            }
        }
        return []
    }
}
