import BrookSchemas

/// Confluent's data-contract inheritance on registration (`AbstractSchemaRegistry.maybeSetMetadataRuleSet`):
/// a request without `metadata` / `ruleSet` takes the subject's latest live version's; the config's
/// `defaultMetadata` / `defaultRuleSet` go under them and `overrideMetadata` / `overrideRuleSet` on
/// top (subject config, else global); `confluent:version` follows the new version once present.
/// So a serializer that auto-registers an unchanged schema on a subject with metadata gets the
/// existing id, as from Confluent, instead of a new version without the metadata.
extension RegistryState {
    static let confluentVersionProperty = "confluent:version"

    /// The metadata and rule set `request` registers with under `subject`; `newVersion` set when
    /// they are for a version about to be written (nil for the lookup that comes first).
    func dataContract(of request: RegisterRequest, subject: String, newVersion: Int?) -> (metadata: JSONValue?, ruleSet: JSONValue?) {
        let previous = (subjects[subject] ?? SubjectVersions()).latest(includeDeleted: false).map(RegisteredSchema.init)
        let config = subjectConfigs[subject] ?? globalConfig
        func configured(_ name: String) -> JSONValue? {
            config?.otherMembers[name].flatMap { $0.isNull ? nil : $0 }
        }
        let specificMetadata = request.metadata ?? previous?.metadata
        var metadata = Self.mergeMetadata(Self.mergeMetadata(configured("defaultMetadata"), specificMetadata),
                                          configured("overrideMetadata"))
        let specificRuleSet = request.ruleSet ?? previous?.ruleSet
        let ruleSet = Self.mergeRuleSets(Self.mergeRuleSets(configured("defaultRuleSet"), specificRuleSet),
                                         configured("overrideRuleSet"))
        if let newVersion, request.version != nil || metadata?["properties"]?[Self.confluentVersionProperty] != nil {
            metadata = Self.settingProperty(Self.confluentVersionProperty, to: String(newVersion), in: metadata)
        }
        return (metadata, ruleSet)
    }

    /// `new`'s tags and properties replace `old`'s of the same name; sensitive names are united.
    static func mergeMetadata(_ old: JSONValue?, _ new: JSONValue?) -> JSONValue? {
        guard let old else { return new }
        guard let new else { return old }
        func mergedMap(_ name: String) -> JSONValue? {
            let oldMembers = old[name]?.objectMembers ?? [], newMembers = new[name]?.objectMembers ?? []
            if oldMembers.isEmpty { return new[name] }
            if newMembers.isEmpty { return old[name] }
            var merged = Dictionary(oldMembers, uniquingKeysWith: { _, last in last })
            for (key, value) in newMembers { merged[key] = value }
            return .object(merged.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
        let sensitive = Set((old["sensitive"]?.arrayValue ?? []) + (new["sensitive"]?.arrayValue ?? []))
            .compactMap(\.stringValue).sorted()
        return .members([("tags", mergedMap("tags")), ("properties", mergedMap("properties")),
                         ("sensitive", sensitive.isEmpty ? nil : .array(sensitive.map(JSONValue.string)))])
    }

    /// Rule lists merged by name (a new rule replaces the old one of its name, after the old ones
    /// kept); `enableAt` from `new` when it has one.
    static func mergeRuleSets(_ old: JSONValue?, _ new: JSONValue?) -> JSONValue? {
        guard let old else { return new }
        guard let new else { return old }
        func merged(_ name: String) -> JSONValue? {
            let oldRules = old[name]?.arrayValue ?? [], newRules = new[name]?.arrayValue ?? []
            if oldRules.isEmpty { return new[name] }
            if newRules.isEmpty { return old[name] }
            let newNames = Set(newRules.compactMap { $0["name"]?.stringValue })
            return .array(oldRules.filter { !newNames.contains($0["name"]?.stringValue ?? "") } + newRules)
        }
        let enableAt = new["enableAt"].flatMap { $0.isNull ? nil : $0 } ?? old["enableAt"]
        return .members([("migrationRules", merged("migrationRules")), ("domainRules", merged("domainRules")),
                         ("encodingRules", merged("encodingRules")), ("enableAt", enableAt)])
    }

    static func settingProperty(_ name: String, to value: String, in metadata: JSONValue?) -> JSONValue {
        var properties = metadata?["properties"]?.objectMembers ?? []
        properties.removeAll { $0.0 == name }
        properties.append((name, .string(value)))
        properties.sort { $0.0 < $1.0 }
        var members = metadata?.objectMembers ?? []
        if let index = members.firstIndex(where: { $0.0 == "properties" }) {
            members[index].1 = .object(properties)
        } else {
            members.append(("properties", .object(properties)))
        }
        return .object(members)
    }
}

extension RegistryState.Candidate {
    /// The same schema carrying other metadata and rule set (parsing is not repeated).
    func withDataContract(_ contract: (metadata: JSONValue?, ruleSet: JSONValue?)) -> Self {
        var copy = self
        copy.schema.metadata = contract.metadata
        copy.schema.ruleSet = contract.ruleSet
        copy.identity.metadata = contract.metadata?.sortedText
        copy.identity.ruleSet = contract.ruleSet?.sortedText
        return copy
    }
}
