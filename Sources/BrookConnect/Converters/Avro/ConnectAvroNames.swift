/// Names and properties Confluent's `AvroData` uses to carry Connect schema details through Avro
/// (facts from confluentinc/schema-registry `io.confluent.connect.avro.AvroData`).
enum ConnectAvroNames {
    static let namespace = "io.confluent.connect.avro"
    static let defaultSchemaName = "ConnectDefault"
    static let defaultSchemaFullName = namespace + "." + defaultSchemaName
    static let mapEntryTypeName = "MapEntry"
    static let keyField = "key"
    static let valueField = "value"
    static let unionTypeName = namespace + ".Union"
    static let enumTypeName = namespace + ".Enum"

    static let connectName = "connect.name"
    static let connectDoc = "connect.doc"
    static let connectVersion = "connect.version"
    static let connectDefault = "connect.default"
    static let connectParameters = "connect.parameters"
    static let connectInternalType = "connect.internal.type"
    static let connectType = "connect.type"
    static let recordDocParameter = namespace + ".record.doc"
    static let fieldDocPrefix = namespace + ".field.doc."
    static let fieldDefaultFlag = namespace + ".field.default"
    static let enumDocPrefix = namespace + ".enum.doc."
    static let enumDefaultPrefix = namespace + ".enum.default."
    static let fixedSizeParameter = "connect.fixed.size"
    static let decimalPrecisionParameter = "connect.decimal.precision"
    static let defaultDecimalPrecision: Int32 = 64

    /// Splits "a.b.C" into namespace "a.b" and name "C" (AvroData.splitName).
    static func split(_ fullName: String) -> (namespace: String?, name: String) {
        guard let dot = fullName.lastIndex(of: ".") else { return (nil, fullName) }
        return (String(fullName[..<dot]), String(fullName[fullName.index(after: dot)...]))
    }

    static func isUnion(_ schema: ConnectSchema) -> Bool {
        schema.type == .struct && schema.name == unionTypeName
    }
}
