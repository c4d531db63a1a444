import BrookSchemas

/// A pipeline's `transforms:` list as Connect's `transforms=a,b`, `transforms.<alias>.type` and
/// `transforms.<alias>.<key>` (plus `predicates…` for inline predicates), checked by building the
/// same `TransformationChain` the runtime builds.
extension PipelineConfigBuilder {
    /// One plugin (transform or predicate) as written: its class, alias and configuration.
    private struct PluginEntry {
        var type: String
        var typePath: YAMLPath
        var alias: String?
        var aliasPath: YAMLPath?
        var members: [(String, JSONValue)]
        var membersPath: YAMLPath
    }

    mutating func addTransforms(_ items: [JSONValue], at path: YAMLPath) throws(ConnectPipelineError) {
        var aliases: [String] = []
        var predicateAliases: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = path.appending(index: index)
            let entry = try pluginEntry(item, at: itemPath, what: "transform", example: "InsertField$Value: {static.field: origin}")
            let alias = try checkedAlias(entry, default: "t\(index + 1)", taken: aliases)
            aliases.append(alias)
            guard let factoryName = Self.fullName(entry.type, lookup: { TransformPlugins.transformation(named: $0) != nil },
                                                  package: "org.apache.kafka.connect.transforms.") else {
                throw fail(entry.typePath, "expected a transform class such as InsertField$Value, MaskField$Value or RegexRouter, found '\(entry.type)'")
            }
            let prefix = "transforms.\(alias)."
            try set(prefix + "type", factoryName, at: position(entry.typePath))
            for (key, value) in entry.members {
                let memberPath = entry.membersPath.appending(key: key)
                if key == "predicate", case .object = value {
                    let predicate = try pluginEntry(value, at: memberPath, what: "predicate", example: "TopicNameMatches: {pattern: orders.*}")
                    let predicateAlias = try checkedAlias(predicate, default: "p\(predicateAliases.count + 1)", taken: predicateAliases)
                    predicateAliases.append(predicateAlias)
                    guard let predicateClass = Self.fullName(predicate.type, lookup: { TransformPlugins.predicate(named: $0) != nil },
                                                             package: "org.apache.kafka.connect.transforms.predicates.") else {
                        throw fail(predicate.typePath, "expected a predicate class: TopicNameMatches, HasHeaderKey or RecordIsTombstone, found '\(predicate.type)'")
                    }
                    try set("predicates.\(predicateAlias).type", predicateClass, at: position(predicate.typePath))
                    try flatten(predicate.members, at: predicate.membersPath, prefix: "predicates.\(predicateAlias).")
                    try set(prefix + "predicate", predicateAlias, at: position(memberPath))
                } else {
                    try flatten([(key, value)], at: entry.membersPath, prefix: prefix)
                }
            }
        }
        try set("transforms", aliases.joined(separator: ","), at: position(path))
        if !predicateAliases.isEmpty {
            try set("predicates", predicateAliases.joined(separator: ","), at: position(path))
        }
    }

    /// Builds the transformation chain from the configuration and reports its first problem at the
    /// line of the key it names.
    func validateTransforms() throws(ConnectPipelineError) {
        guard case let .failure(errors) = TransformationChain.build(from: config), let first = errors.errors.first else { return }
        var at = positions[first.key]
        if at == nil, let type = Self.pluginTypeKey(first.key) { at = positions[type] }
        // Plugin-level problems are reported on `….type`; name the plugin alone then.
        let subject = first.key.hasSuffix(".type") ? String(first.key.dropLast(5)) : first.key
        let message = first.message.contains(first.key) ? first.message : "\(subject): \(first.message)"
        throw ConnectPipelineError(position: at ?? positions["transforms"] ?? YAMLPosition(line: 1, column: 1), message: message)
    }

    /// `transforms.a.type` for any `transforms.a.<key>` (and the same for predicates).
    private static func pluginTypeKey(_ key: String) -> String? {
        let parts = key.split(separator: ".", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "transforms" || parts[0] == "predicates" else { return nil }
        return "\(parts[0]).\(parts[1]).type"
    }

    /// Reads the short form (`Class: {config}`, or just `Class`) or the long form (`type: Class`
    /// beside the configuration); `alias:` may sit beside either.
    private func pluginEntry(_ item: JSONValue, at path: YAMLPath, what: String, example: String) throws(ConnectPipelineError) -> PluginEntry {
        switch item {
        case let .string(type):
            return PluginEntry(type: type, typePath: path, alias: nil, aliasPath: nil, members: [], membersPath: path)
        case let .object(members):
            var alias: (String, YAMLPath)?
            if let value = item["alias"] {
                guard let text = scalarText(value) else {
                    throw ConnectPipelineError(position: valuePosition(path.appending(key: "alias")),
                                               message: "expected an alias name, found \(Self.kind(value))")
                }
                alias = (text, path.appending(key: "alias"))
            }
            if let typeValue = item["type"] {
                guard case let .string(type) = typeValue else {
                    throw ConnectPipelineError(position: valuePosition(path.appending(key: "type")),
                                               message: "expected a \(what) class name, found \(Self.kind(typeValue))")
                }
                return PluginEntry(type: type, typePath: path.appending(key: "type"), alias: alias?.0, aliasPath: alias?.1,
                                   members: members.filter { $0.0 != "type" && $0.0 != "alias" }, membersPath: path)
            }
            let classes = members.filter { $0.0 != "alias" }
            guard classes.count == 1, let (type, config) = classes.first else {
                let problem = classes.isEmpty ? "found none" : "found \(classes.count) keys: \(classes.map(\.0).joined(separator: ", "))"
                throw fail(path, "expected one \(what) class as the key (e.g. \(example)) or a 'type' key, \(problem)")
            }
            let classPath = path.appending(key: type)
            switch config {
            case .null:
                return PluginEntry(type: type, typePath: classPath, alias: alias?.0, aliasPath: alias?.1, members: [], membersPath: classPath)
            case let .object(inner):
                return PluginEntry(type: type, typePath: classPath, alias: alias?.0, aliasPath: alias?.1, members: inner, membersPath: classPath)
            default:
                throw ConnectPipelineError(position: valuePosition(classPath),
                                           message: "expected the \(what)'s configuration as a mapping under '\(type)', found \(Self.kind(config))")
            }
        default:
            throw ConnectPipelineError(position: valuePosition(path), message: "expected a \(what), e.g. \(example), found \(Self.kind(item))")
        }
    }

    private func checkedAlias(_ entry: PluginEntry, default fallback: String, taken: [String]) throws(ConnectPipelineError) -> String {
        let alias = entry.alias ?? fallback
        let at = entry.aliasPath.map { valuePosition($0) } ?? position(entry.typePath)
        if alias.isEmpty || alias.contains(where: { $0 == "," || $0.isWhitespace }) {
            throw ConnectPipelineError(position: at, message: "expected an alias without commas or spaces, found '\(alias)'")
        }
        if taken.contains(alias) {
            throw ConnectPipelineError(position: at, message: "duplicate alias '\(alias)'")
        }
        return alias
    }

    /// The class name as Connect expects it: a bare Kafka name (`InsertField$Value`) gets its package.
    private static func fullName(_ type: String, lookup: (String) -> Bool, package: String) -> String? {
        guard lookup(type) else { return nil }
        return type.contains(".") ? type : package + type
    }
}
