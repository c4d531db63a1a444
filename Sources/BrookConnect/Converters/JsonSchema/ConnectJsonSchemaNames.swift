/// Names and keywords of Confluent's `JsonSchemaData` (schema-registry `json-schema-converter`).
enum ConnectJsonSchemaNames {
    static let namespace = "io.confluent.connect.json"
    static let connectType = "connect.type"
    static let connectVersion = "connect.version"
    static let connectParameters = "connect.parameters"
    static let connectIndex = "connect.index"
    /// A STRING schema with this parameter is a JSON `enum`; its symbols are `Enum.<symbol>` parameters.
    static let enumParameter = namespace + ".Enum"
    /// The name of the STRUCT that holds a general `oneOf`; its fields are `OneOf.field.<n>`.
    static let oneOfName = namespace + ".OneOf"
    static let keyField = "key"
    static let valueField = "value"

    static func isUnion(_ schema: ConnectSchema) -> Bool {
        schema.type == .struct && schema.name == oneOfName
    }
}
