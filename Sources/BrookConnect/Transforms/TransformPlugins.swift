/// The transformations and predicates Brook ships, by Kafka class name.
public enum TransformPlugins {
    /// Makes a configured transformation from its properties (prefix already stripped).
    public typealias TransformationFactory = @Sendable (ConnectConfigReader) throws -> any ConnectTransformation
    /// Makes a configured predicate from its properties (prefix already stripped).
    public typealias PredicateFactory = @Sendable (ConnectConfigReader) throws -> any ConnectPredicate

    static let transformsPackage = "org.apache.kafka.connect.transforms."
    static let predicatesPackage = "org.apache.kafka.connect.transforms.predicates."

    /// Full Kafka class name → factory, e.g. `org.apache.kafka.connect.transforms.InsertField$Value`.
    public static let transformations: [String: TransformationFactory] = {
        var table: [String: TransformationFactory] = [:]
        func both(_ name: String, _ make: @escaping @Sendable (ConnectRecordPart, ConnectConfigReader) throws -> any ConnectTransformation) {
            for part in [ConnectRecordPart.key, .value] {
                table[transformsPackage + name + "$" + part.rawValue] = { (config) in try make(part, config) }
            }
        }
        both("InsertField") { (part, config) in try InsertField(part: part, config: config) }
        both("ReplaceField") { (part, config) in try ReplaceField(part: part, config: config) }
        both("MaskField") { (part, config) in try MaskField(part: part, config: config) }
        both("ExtractField") { (part, config) in try ExtractField(part: part, config: config) }
        both("HoistField") { (part, config) in try HoistField(part: part, config: config) }
        both("Cast") { (part, config) in try Cast(part: part, config: config) }
        both("Flatten") { (part, config) in Flatten(part: part, config: config) }
        both("TimestampConverter") { (part, config) in try TimestampConverter(part: part, config: config) }
        both("SetSchemaMetadata") { (part, config) in try SetSchemaMetadata(part: part, config: config) }
        both("HeaderFrom") { (part, config) in try HeaderFrom(part: part, config: config) }
        table[transformsPackage + "ValueToKey"] = { (config) in try ValueToKey(config: config) }
        table[transformsPackage + "TimestampRouter"] = { (config) in try TimestampRouter(config: config) }
        table[transformsPackage + "RegexRouter"] = { (config) in try RegexRouter(config: config) }
        table[transformsPackage + "Filter"] = { (config) in Filter(config: config) }
        table[transformsPackage + "InsertHeader"] = { (config) in try InsertHeader(config: config) }
        table[transformsPackage + "DropHeaders"] = { (config) in try DropHeaders(config: config) }
        return table
    }()

    public static let predicates: [String: PredicateFactory] = [
        predicatesPackage + "TopicNameMatches": { (config) in try TopicNameMatches(config: config) },
        predicatesPackage + "HasHeaderKey": { (config) in try HasHeaderKey(config: config) },
        predicatesPackage + "RecordIsTombstone": { (config) in RecordIsTombstone(config: config) },
    ]

    /// The factory for a full class name or the bare name after the package (`InsertField$Value`).
    public static func transformation(named name: String) -> TransformationFactory? {
        transformations[name] ?? transformations[transformsPackage + name]
    }

    public static func predicate(named name: String) -> PredicateFactory? {
        predicates[name] ?? predicates[predicatesPackage + name]
    }
}
