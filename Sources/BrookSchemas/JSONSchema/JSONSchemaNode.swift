/// A loaded schema as a graph: every subschema is a node addressed by index, and `$ref`s point at
/// the node they resolve to, so recursive schemas are cycles in the graph rather than endless trees.
struct JSONSchemaGraph: Sendable {
    var nodes: [JSONSchemaNode] = []
    var root = 0

    subscript(id: Int) -> JSONSchemaNode { nodes[id] }

    /// Follows references (a chain of them, bounded) to the node that says something.
    func dereferenced(_ id: Int) -> Int {
        var current = id
        for _ in 0..<nodes.count {
            guard case let .reference(target, _) = nodes[current].kind else { return current }
            current = target
        }
        return current
    }
}

/// One subschema, shaped like the schema classes Confluent's compatibility rules compare
/// (everit's model: a string schema, a number schema, a combination, a reference...).
struct JSONSchemaNode: Sendable {
    var kind: Kind
    var id: String?
    var title: String?
    var description: String?
    /// `default`, when present (also when it is `null`).
    var defaultValue: JSONValue?
    /// The JSON this node was read from: tells equal subschemas apart in combinations and keeps
    /// unmodelled members (`connect.type`).
    var source: JSONValue

    init(kind: Kind, source: JSONValue) {
        self.kind = kind
        self.source = source
    }

    enum Combination: String, Sendable { case allOf, anyOf, oneOf }

    indirect enum Kind: Sendable {
        /// `{}` or `true` (or a schema of annotations only): anything is valid.
        case empty
        /// `false`: nothing is valid.
        case never
        case string(StringRules)
        case number(NumberRules)
        case boolean
        case null
        case object(ObjectRules)
        case array(ArrayRules)
        case enumeration([JSONValue])
        case constant(JSONValue)
        case not(Int)
        /// `synthetic` when the loader made it to hold several keyword groups of one schema object
        /// (e.g. `enum` beside `type`), as everit does.
        case combined(Combination, [Int], synthetic: Bool)
        case conditional(if: Int?, then: Int?, else: Int?)
        /// A `$ref`, its target node and the reference as written.
        case reference(Int, String)

        /// The everit class name the compatibility rules compare (`schemaTypesEqual`).
        var className: String {
            switch self {
            case .empty: "Empty"
            case .never: "False"
            case .string: "String"
            case .number: "Number"
            case .boolean: "Boolean"
            case .null: "Null"
            case .object: "Object"
            case .array: "Array"
            case .enumeration: "Enum"
            case .constant: "Const"
            case .not: "Not"
            case .combined: "Combined"
            case .conditional: "Conditional"
            case .reference: "Reference"
            }
        }
    }

    struct StringRules: Sendable {
        var minLength: Int?
        var maxLength: Int?
        var pattern: String?
        var format: String?
        /// False when the keywords appeared without `type: string` (they then only constrain strings).
        var requiresString = true
    }

    struct NumberRules: Sendable {
        var minimum: Double?
        var maximum: Double?
        var exclusiveMinimum: Double?
        var exclusiveMaximum: Double?
        /// Draft 4's boolean `exclusiveMinimum`/`exclusiveMaximum`, which make `minimum`/`maximum` strict.
        var minimumIsExclusive = false
        var maximumIsExclusive = false
        /// The literal, so decimal divisibility can be judged without binary rounding.
        var multipleOf: String?
        var requiresNumber = true
        var requiresInteger = false
    }

    struct ObjectRules: Sendable {
        var properties: [(String, Int)] = []
        var required: [String] = []
        var additionalPropertiesAllowed = true
        var additionalPropertiesSchema: Int?
        var patternProperties: [(String, Int)] = []
        var propertyDependencies: [(String, [String])] = []
        var schemaDependencies: [(String, Int)] = []
        var minProperties: Int?
        var maxProperties: Int?
        var propertyNames: Int?
        var unevaluatedProperties: Int?
        var requiresObject = true

        func property(_ name: String) -> Int? { properties.first { $0.0 == name }?.1 }
    }

    struct ArrayRules: Sendable {
        var allItems: Int?
        var tupleItems: [Int]?
        var additionalItemsAllowed = true
        var additionalItemsSchema: Int?
        var minItems: Int?
        var maxItems: Int?
        var uniqueItems = false
        var contains: Int?
        var minContains: Int?
        var maxContains: Int?
        var unevaluatedItems: Int?
        var requiresArray = true
    }
}
