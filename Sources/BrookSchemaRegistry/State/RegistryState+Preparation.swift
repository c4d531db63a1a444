import BrookSchemas

/// What every command does first: validate the subject, resolve references, parse, and find a
/// schema the subject already holds.
extension RegistryState {
    /// Confluent refuses empty names, control characters and its reserved names.
    func validate(subject: String) throws(RegistryError) {
        if subject.isEmpty || subject == "__GLOBAL" || subject == "__EMPTY"
            || subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidSubject(subject)
        }
        if subject.hasPrefix(Self.contextPrefix) {
            throw RegistryError(httpStatus: 422, errorCode: 42208, message: "The specified subject '\(subject)' is not a valid. "
                + "Schema contexts are not supported: Brook serves only the default context '.', so a subject cannot start with ':.'")
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
    /// `asNew: false` (lookups, IMPORT with an id) skips new-schema validation, as Confluent does.
    func prepare(_ request: RegisterRequest, normalize: Bool, asNew: Bool = true) throws(RegistryError) -> Candidate {
        guard !request.schema.isEmpty else { throw .invalidSchema("Empty schema") }
        let parsed = try parsedSchema(text: request.schema, type: request.schemaType, references: request.references, stored: !asNew)
        var schema = RegisteredSchema(schemaType: request.schemaType, schema: parsed.canonicalString, references: request.references,
                                      metadata: request.metadata, ruleSet: request.ruleSet)
        guard normalize else {
            return Candidate(parsed: parsed, schema: schema, identity: schema.identity(canonicalText: parsed.canonicalString))
        }
        schema.schema = parsed.normalized()
        // Stored normalized, it will be identified by the canonical form of that text once applied.
        let canonical = (try? parsedSchema(text: schema.schema, type: schema.schemaType, references: schema.references, stored: true))?.canonicalString
        return Candidate(parsed: parsed, schema: schema, identity: schema.identity(canonicalText: canonical ?? schema.schema),
                         normalizedText: schema.schema)
    }

    /// `stored`: the schema is already registered, so it is parsed as Confluent parses stored ones.
    func parsedSchema(text: String, type: SchemaType, references: [SchemaReference], stored: Bool = false) throws(RegistryError) -> any ParsedSchema {
        let resolved = try resolve(references)
        do {
            return try (stored ? parseStored : parse)(text, type, resolved)
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
    func lastMatch(subject: String, includeDeleted: Bool, _ candidate: Candidate) -> SchemaRecordValue? {
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
}
