/// One change between two JSON Schemas, named as Confluent's `json/diff` `Difference.Type` names it,
/// at a path like `#/properties/name/maxLength`.
struct JSONSchemaDifference: Hashable, Sendable {
    var kind: Kind
    /// Path relative to the pair of schemas being compared, without the leading `#/`.
    var path: [String]

    var isCompatible: Bool { Kind.compatible.contains(kind) }

    var jsonPath: String { "#/" + path.joined(separator: "/") }

    func prefixed(_ prefix: [String]) -> JSONSchemaDifference {
        JSONSchemaDifference(kind: kind, path: prefix + path)
    }

    /// Confluent's Difference.Type names (schema-registry `json-schema-provider`, `json/diff/Difference.java`).
    enum Kind: String, Sendable, CaseIterable {
        case ID_CHANGED, DESCRIPTION_CHANGED, TITLE_CHANGED, DEFAULT_CHANGED
        case SCHEMA_ADDED, SCHEMA_REMOVED, TYPE_EXTENDED, TYPE_NARROWED, TYPE_CHANGED
        case MAX_LENGTH_ADDED, MAX_LENGTH_REMOVED, MAX_LENGTH_INCREASED, MAX_LENGTH_DECREASED
        case MIN_LENGTH_ADDED, MIN_LENGTH_REMOVED, MIN_LENGTH_INCREASED, MIN_LENGTH_DECREASED
        case PATTERN_ADDED, PATTERN_REMOVED, PATTERN_CHANGED
        case MAXIMUM_ADDED, MAXIMUM_REMOVED, MAXIMUM_INCREASED, MAXIMUM_DECREASED
        case MINIMUM_ADDED, MINIMUM_REMOVED, MINIMUM_INCREASED, MINIMUM_DECREASED
        case EXCLUSIVE_MAXIMUM_ADDED, EXCLUSIVE_MAXIMUM_REMOVED, EXCLUSIVE_MAXIMUM_INCREASED, EXCLUSIVE_MAXIMUM_DECREASED
        case EXCLUSIVE_MINIMUM_ADDED, EXCLUSIVE_MINIMUM_REMOVED, EXCLUSIVE_MINIMUM_INCREASED, EXCLUSIVE_MINIMUM_DECREASED
        case MULTIPLE_OF_ADDED, MULTIPLE_OF_REMOVED, MULTIPLE_OF_EXPANDED, MULTIPLE_OF_REDUCED, MULTIPLE_OF_CHANGED
        case REQUIRED_ATTRIBUTE_ADDED, REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, REQUIRED_ATTRIBUTE_REMOVED
        case MAX_PROPERTIES_ADDED, MAX_PROPERTIES_REMOVED, MAX_PROPERTIES_INCREASED, MAX_PROPERTIES_DECREASED
        case MIN_PROPERTIES_ADDED, MIN_PROPERTIES_REMOVED, MIN_PROPERTIES_INCREASED, MIN_PROPERTIES_DECREASED
        case ADDITIONAL_PROPERTIES_ADDED, ADDITIONAL_PROPERTIES_REMOVED, ADDITIONAL_PROPERTIES_EXTENDED, ADDITIONAL_PROPERTIES_NARROWED
        case DEPENDENCY_ARRAY_ADDED, DEPENDENCY_ARRAY_REMOVED, DEPENDENCY_ARRAY_EXTENDED, DEPENDENCY_ARRAY_NARROWED, DEPENDENCY_ARRAY_CHANGED
        case DEPENDENCY_SCHEMA_ADDED, DEPENDENCY_SCHEMA_REMOVED
        case REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL
        case OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
        case REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
        case OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL, PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL
        case PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL
        case PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        case PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        case UNEVALUATED_PROPERTIES_ADDED, UNEVALUATED_PROPERTIES_REMOVED, UNEVALUATED_PROPERTIES_EXTENDED, UNEVALUATED_PROPERTIES_NARROWED
        case MAX_ITEMS_ADDED, MAX_ITEMS_REMOVED, MAX_ITEMS_INCREASED, MAX_ITEMS_DECREASED
        case MIN_ITEMS_ADDED, MIN_ITEMS_REMOVED, MIN_ITEMS_INCREASED, MIN_ITEMS_DECREASED
        case MAX_CONTAINS_ADDED, MAX_CONTAINS_REMOVED, MAX_CONTAINS_INCREASED, MAX_CONTAINS_DECREASED
        case MIN_CONTAINS_ADDED, MIN_CONTAINS_REMOVED, MIN_CONTAINS_INCREASED, MIN_CONTAINS_DECREASED
        case UNIQUE_ITEMS_ADDED, UNIQUE_ITEMS_REMOVED
        case ADDITIONAL_ITEMS_ADDED, ADDITIONAL_ITEMS_REMOVED, ADDITIONAL_ITEMS_EXTENDED, ADDITIONAL_ITEMS_NARROWED
        case UNEVALUATED_ITEMS_ADDED, UNEVALUATED_ITEMS_REMOVED, UNEVALUATED_ITEMS_EXTENDED, UNEVALUATED_ITEMS_NARROWED
        case ITEM_ADDED_TO_OPEN_CONTENT_MODEL, ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
        case ITEM_ADDED_TO_CLOSED_CONTENT_MODEL, ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL
        case ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL
        case ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        case ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
        case ENUM_ARRAY_EXTENDED, ENUM_ARRAY_NARROWED, ENUM_ARRAY_CHANGED
        case COMBINED_TYPE_EXTENDED, COMBINED_TYPE_CHANGED
        case PRODUCT_TYPE_EXTENDED, PRODUCT_TYPE_NARROWED, SUM_TYPE_EXTENDED, SUM_TYPE_NARROWED
        case COMBINED_TYPE_SUBSCHEMAS_CHANGED
        case NOT_TYPE_EXTENDED, NOT_TYPE_NARROWED

        /// The changes Confluent's default (STRICT) policy accepts (`SchemaDiff.COMPATIBLE_CHANGES_STRICT`);
        /// every other kind breaks compatibility.
        static let compatible: Set<Kind> = [
            .ID_CHANGED, .DESCRIPTION_CHANGED, .TITLE_CHANGED, .DEFAULT_CHANGED, .SCHEMA_REMOVED, .TYPE_EXTENDED,
            .MAX_LENGTH_INCREASED, .MAX_LENGTH_REMOVED, .MIN_LENGTH_DECREASED, .MIN_LENGTH_REMOVED, .PATTERN_REMOVED,
            .MAXIMUM_INCREASED, .MAXIMUM_REMOVED, .MINIMUM_DECREASED, .MINIMUM_REMOVED,
            .EXCLUSIVE_MAXIMUM_INCREASED, .EXCLUSIVE_MAXIMUM_REMOVED, .EXCLUSIVE_MINIMUM_DECREASED, .EXCLUSIVE_MINIMUM_REMOVED,
            .MULTIPLE_OF_REDUCED, .MULTIPLE_OF_REMOVED,
            .REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED, .REQUIRED_ATTRIBUTE_REMOVED,
            .DEPENDENCY_ARRAY_NARROWED, .DEPENDENCY_ARRAY_REMOVED, .DEPENDENCY_SCHEMA_REMOVED,
            .MAX_PROPERTIES_INCREASED, .MAX_PROPERTIES_REMOVED, .MIN_PROPERTIES_DECREASED, .MIN_PROPERTIES_REMOVED,
            .ADDITIONAL_PROPERTIES_ADDED, .ADDITIONAL_PROPERTIES_EXTENDED,
            .UNEVALUATED_PROPERTIES_ADDED, .UNEVALUATED_PROPERTIES_EXTENDED,
            .PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
            .REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL, .OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
            .PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, .PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
            .PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, .PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
            .MAX_ITEMS_INCREASED, .MAX_ITEMS_REMOVED, .MIN_ITEMS_DECREASED, .MIN_ITEMS_REMOVED,
            .MAX_CONTAINS_INCREASED, .MAX_CONTAINS_REMOVED, .MIN_CONTAINS_DECREASED, .MIN_CONTAINS_REMOVED,
            .UNIQUE_ITEMS_REMOVED, .ADDITIONAL_ITEMS_ADDED, .ADDITIONAL_ITEMS_EXTENDED,
            .UNEVALUATED_ITEMS_ADDED, .UNEVALUATED_ITEMS_EXTENDED,
            .ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL, .ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
            .ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL, .ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
            .ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, .ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
            .ENUM_ARRAY_EXTENDED,
            .COMBINED_TYPE_EXTENDED, .PRODUCT_TYPE_NARROWED, .SUM_TYPE_EXTENDED, .NOT_TYPE_NARROWED,
        ]
    }

    /// A sentence for the verbose compatibility answer, in terms of the reader and writer schemas.
    var detail: String {
        let at = jsonPath
        let name = kind.rawValue
        switch kind {
        case .TYPE_CHANGED, .TYPE_NARROWED, .COMBINED_TYPE_CHANGED, .COMBINED_TYPE_SUBSCHEMAS_CHANGED, .ENUM_ARRAY_CHANGED:
            return "The type at '\(at)' differs between the reader and the writer schema"
        case .ENUM_ARRAY_NARROWED, .SUM_TYPE_NARROWED, .ADDITIONAL_PROPERTIES_NARROWED, .ADDITIONAL_ITEMS_NARROWED,
             .UNEVALUATED_PROPERTIES_NARROWED, .UNEVALUATED_ITEMS_NARROWED:
            return "The enum, combination or content model at '\(at)' allows fewer values in the reader than in the writer schema"
        case .DEPENDENCY_ARRAY_EXTENDED, .PRODUCT_TYPE_EXTENDED, .NOT_TYPE_EXTENDED:
            return "The constraint list at '\(at)' has more elements in the reader than in the writer schema"
        case .PATTERN_CHANGED, .MULTIPLE_OF_CHANGED, .DEPENDENCY_ARRAY_CHANGED:
            return "The value at '\(at)' differs between the reader and the writer schema"
        case .REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, .OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
             .REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL, .ITEM_ADDED_TO_OPEN_CONTENT_MODEL:
            return "The reader schema declares '\(at)', which the writer schema lacks while letting any such property or item through (open content model)"
        case .REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL:
            return "The reader schema requires '\(at)' without a default, and data from the writer schema need not have it"
        case .PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, .ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL:
            return "The reader schema drops '\(at)' but its content model is closed, so writer data carrying it is refused"
        case .PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, .ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
            return "The reader schema drops '\(at)' and its additional/pattern schema does not accept what the writer allowed there"
        case .PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, .ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
            return "The reader schema declares '\(at)' more narrowly than the writer's additional/pattern schema allowed"
        case .SCHEMA_ADDED:
            return "The reader schema adds a subschema at '\(at)' that the writer schema lacks"
        default:
            if name.hasSuffix("_ADDED") {
                return "The reader schema has the keyword at '\(at)', which the writer schema lacks"
            }
            if name.hasSuffix("_REMOVED") {
                return "The reader schema lacks the keyword at '\(at)', which the writer schema has"
            }
            if name.hasSuffix("_INCREASED") || name.hasSuffix("_EXPANDED") {
                return "The value at '\(at)' is larger in the reader than in the writer schema"
            }
            return "The value at '\(at)' is smaller in the reader than in the writer schema"
        }
    }

    /// Confluent's `{errorType:"…", description:"…'}` (its `json/diff/Difference`; the closing
    /// quote really is a single one), the description's slots naming the reader and the writer.
    var confluentTemplate: ConfluentMessageTemplate {
        var pieces = kind.confluentDescription(at: jsonPath)
        pieces[0] = "{errorType:\"\(kind.rawValue)\", description:\"" + pieces[0]
        pieces[pieces.count - 1] += "'}"
        return ConfluentMessageTemplate(pieces)
    }
}

extension JSONSchemaDifference.Kind {
    private static let keywordAddedOrRemoved: Set<Self> = [
        .MAXIMUM_ADDED, .MINIMUM_ADDED, .EXCLUSIVE_MAXIMUM_ADDED, .EXCLUSIVE_MINIMUM_ADDED, .MULTIPLE_OF_ADDED,
        .MAX_LENGTH_ADDED, .MIN_LENGTH_ADDED, .PATTERN_ADDED, .REQUIRED_ATTRIBUTE_ADDED, .MAX_PROPERTIES_ADDED,
        .MIN_PROPERTIES_ADDED, .DEPENDENCY_ARRAY_ADDED, .DEPENDENCY_SCHEMA_ADDED, .MAX_ITEMS_ADDED, .MIN_ITEMS_ADDED,
        .MAX_CONTAINS_ADDED, .MIN_CONTAINS_ADDED, .UNIQUE_ITEMS_ADDED, .ADDITIONAL_ITEMS_REMOVED,
        .ADDITIONAL_PROPERTIES_REMOVED, .UNEVALUATED_PROPERTIES_REMOVED, .UNEVALUATED_ITEMS_REMOVED,
    ]
    private static let valueIncreased: Set<Self> = [
        .MIN_LENGTH_INCREASED, .MINIMUM_INCREASED, .EXCLUSIVE_MINIMUM_INCREASED, .MIN_PROPERTIES_INCREASED,
        .MULTIPLE_OF_EXPANDED, .MIN_ITEMS_INCREASED, .MIN_CONTAINS_INCREASED,
    ]
    private static let valueDecreased: Set<Self> = [
        .MAX_LENGTH_DECREASED, .MAXIMUM_DECREASED, .MAX_ITEMS_DECREASED, .MAX_CONTAINS_DECREASED,
        .EXCLUSIVE_MAXIMUM_DECREASED, .MAX_PROPERTIES_DECREASED,
    ]
    private static let valueChanged: Set<Self> = [.PATTERN_CHANGED, .MULTIPLE_OF_CHANGED, .DEPENDENCY_ARRAY_CHANGED]
    private static let typeNarrowed: Set<Self> = [
        .ADDITIONAL_ITEMS_NARROWED, .ENUM_ARRAY_NARROWED, .SUM_TYPE_NARROWED, .ADDITIONAL_PROPERTIES_NARROWED,
        .UNEVALUATED_PROPERTIES_NARROWED, .UNEVALUATED_ITEMS_NARROWED,
    ]
    private static let typeExtended: Set<Self> = [.DEPENDENCY_ARRAY_EXTENDED, .PRODUCT_TYPE_EXTENDED, .SUM_TYPE_EXTENDED, .NOT_TYPE_EXTENDED]
    private static let typeChanged: Set<Self> = [
        .TYPE_CHANGED, .TYPE_NARROWED, .COMBINED_TYPE_CHANGED, .COMBINED_TYPE_SUBSCHEMAS_CHANGED, .ENUM_ARRAY_CHANGED,
    ]
    private static let addedToOpen: Set<Self> = [
        .REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, .REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL,
        .OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, .ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
    ]

    /// Confluent's sentence for this kind of difference at `path`, split at its two slots (reader,
    /// then writer); kinds it has no sentence for get an empty one. Sets and wording as in
    /// schema-registry's `json/diff/Difference.error()`, checked in the same order.
    func confluentDescription(at path: String) -> [String] {
        if Self.keywordAddedOrRemoved.contains(self) {
            return ["The keyword at path '\(path)' in the ", " schema is not present in the ", " schema"]
        }
        if Self.valueIncreased.contains(self) {
            return ["The value at path '\(path)' in the ", " schema is more than its value in the ", " schema"]
        }
        if Self.valueDecreased.contains(self) {
            return ["The value at path '\(path)' in the ", " schema is less than its value in the ", " schema"]
        }
        if Self.valueChanged.contains(self) {
            return ["The value at path '\(path)' is different between the ", " and ", " schema"]
        }
        if Self.typeNarrowed.contains(self) {
            return ["An array or combined type at path '\(path)' has fewer elements in the ", " schema than the ", " schema"]
        }
        if Self.typeExtended.contains(self) {
            return ["An array or combined type at path '\(path)' has more elements in the ", " schema than the ", " schema"]
        }
        if Self.typeChanged.contains(self) {
            return ["A type at path '\(path)' is different between the ", " schema and the ", " schema"]
        }
        if Self.addedToOpen.contains(self) {
            return ["The ", " schema has an open content model and has a property or item at path '\(path)' which is missing in the ", " schema"]
        }
        switch self {
        case .REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL:
            return ["The ", " schema has an unopen content model and has a required property at path '\(path)' which is missing in the ", " schema"]
        case .PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL, .ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL:
            return ["The ", " has a closed content model and is missing a property or item present at path '\(path)' in the ", " schema"]
        case .PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, .ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
            return ["A property or item is missing in the ", " schema but present at path '\(path)' in the ", " schema and is not covered by its partially open content model"]
        case .PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL, .ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL:
            return ["The ", " schema has a property or item at path '\(path)' which is missing in the ", " schema and is not covered by its partially open content model"]
        default:
            return [""]
        }
    }
}
