/// The transforms of one connector, in order, each optionally guarded by a predicate (Kafka's
/// `TransformationChain` of `TransformationStage`s), built from the connector's flat config:
/// `transforms=a,b`, `transforms.a.type=…`, `transforms.a.predicate=p`, `transforms.a.negate=true`,
/// `predicates=p`, `predicates.p.type=…`, plus each plugin's own keys under its prefix.
public struct TransformationChain: Sendable {
    /// One transform with its guard.
    public struct Stage: Sendable {
        public var alias: String
        public var transformation: any ConnectTransformation
        public var predicate: (any ConnectPredicate)?
        public var negate: Bool

        /// TransformationStage.apply: transform when there is no predicate or `negate XOR test`.
        public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
            if let predicate, predicate.test(record) == negate { return record }
            return try transformation.apply(record)
        }
    }

    public var stages: [Stage]

    public init(stages: [Stage] = []) {
        self.stages = stages
    }

    /// Runs every stage; nil as soon as one drops the record.
    public func apply(_ record: ConnectRecord) throws(ConnectDataError) -> ConnectRecord? {
        var current = record
        for stage in stages {
            guard let next = try stage.apply(current) else { return nil }
            current = next
        }
        return current
    }

    /// The chain a connector config describes, or every problem found (as Connect's validation lists
    /// them per config key), never a crash.
    public static func build(from config: [String: String]) -> Result<TransformationChain, ConnectConfigErrors> {
        var errors: [ConnectConfigError] = []
        let transformAliases = aliases("transforms", in: config, errors: &errors)
        let predicateAliases = aliases("predicates", in: config, errors: &errors)

        var predicates: [String: any ConnectPredicate] = [:]
        for alias in predicateAliases {
            let prefix = "predicates.\(alias)."
            guard let factory = plugin(prefix: prefix, config: config, lookup: TransformPlugins.predicate(named:), errors: &errors) else { continue }
            do {
                predicates[alias] = try factory(ConnectConfigReader(scoped(config, prefix), keyPrefix: prefix))
            } catch {
                errors.append(Self.configError(error, prefix: prefix))
            }
        }

        var stages: [Stage] = []
        for alias in transformAliases {
            let prefix = "transforms.\(alias)."
            let reader = ConnectConfigReader(scoped(config, prefix), keyPrefix: prefix)
            let predicateAlias = reader.string("predicate")
            var negate = false
            do {
                negate = try reader.bool("negate", default: false)
            } catch {
                errors.append(error)
            }
            if reader.string("negate") != nil && predicateAlias == nil {
                errors.append(ConnectConfigError(key: prefix + "negate", message: "Config '\(prefix)negate' was provided but there is no config '\(prefix)predicate' defining a predicate to be negated."))
            }
            var predicate: (any ConnectPredicate)?
            if let predicateAlias {
                if let found = predicates[predicateAlias] {
                    predicate = found
                } else if !predicateAliases.contains(predicateAlias) {
                    errors.append(.invalidValue(prefix + "predicate", predicateAlias, "no predicate with alias \(predicateAlias) is listed in 'predicates'"))
                }
            }
            guard let factory = plugin(prefix: prefix, config: config, lookup: TransformPlugins.transformation(named:), errors: &errors) else { continue }
            do {
                let transformation = try factory(reader)
                stages.append(Stage(alias: alias, transformation: transformation, predicate: predicate, negate: negate))
            } catch {
                errors.append(Self.configError(error, prefix: prefix))
            }
        }
        return errors.isEmpty ? .success(TransformationChain(stages: stages)) : .failure(ConnectConfigErrors(errors: errors))
    }

    private static func configError(_ error: any Error, prefix: String) -> ConnectConfigError {
        (error as? ConnectConfigError) ?? ConnectConfigError(key: prefix + "type", message: "\(error)")
    }

    private static func aliases(_ key: String, in config: [String: String], errors: inout [ConnectConfigError]) -> [String] {
        guard let raw = config[key] else { return [] }
        let list = ConnectConfigReader.parseList(raw)
        if Set(list).count < list.count {
            errors.append(.invalidValue(key, "[" + list.joined(separator: ", ") + "]", "Duplicate alias provided."))
        }
        var seen = Set<String>()
        return list.filter { seen.insert($0).inserted }
    }

    private static func plugin<F>(prefix: String, config: [String: String], lookup: (String) -> F?,
                                  errors: inout [ConnectConfigError]) -> F? {
        let key = prefix + "type"
        guard let raw = config[key] else {
            errors.append(.missing(key))
            return nil
        }
        let className = raw.trimmingASCIISpaces
        guard let factory = lookup(className) else {
            errors.append(.invalidValue(key, className, "Class \(className) could not be found."))
            return nil
        }
        return factory
    }

    /// The properties under `prefix`, with the prefix removed (Kafka's `originalsWithPrefix`).
    private static func scoped(_ config: [String: String], _ prefix: String) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in config where key.hasPrefix(prefix) {
            out[String(key.dropFirst(prefix.count))] = value
        }
        return out
    }
}

/// Several configuration problems at once, in the order found.
public struct ConnectConfigErrors: Error, Sendable, Hashable {
    public var errors: [ConnectConfigError]

    public init(errors: [ConnectConfigError]) {
        self.errors = errors
    }
}
