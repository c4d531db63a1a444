/// Read expressions and write statements for one field in one struct.
struct FieldCoding {
    let field: FieldSpec
    /// The message's versions.
    let messageVersions: VersionRange
    /// The message's flexible versions.
    let flexibleVersions: VersionRange

    /// Versions in which the field is on the wire.
    var presentVersions: VersionRange {
        let base = field.tag == nil ? field.versions : field.versions.intersection(field.taggedVersions)
        return base.intersection(messageVersions)
    }

    var property: String { SwiftNames.property(field.name) }

    private var compact: String {
        if field.tag != nil { return "true" }
        return flexibleVersions.condition(within: presentVersions)
    }

    private var nullable: String { field.nullableVersions.condition(within: presentVersions) }

    private var optional: Bool { SwiftNames.isOptional(field) }

    /// An expression reading the field from `buffer` (a variable name).
    func readExpression(from buffer: String) -> String {
        if field.isArray {
            let element = elementRead(field.elementType, from: "$0")
            let minSize = SwiftNames.minimumSize(field.elementType)
            let sizeArgument = minSize > 1 ? ", minElementSize: \(minSize)" : ""
            if optional {
                return "try \(buffer).readKafkaNullableArray(compact: \(compact)\(nullableArgument)\(sizeArgument)) { \(element) }"
            }
            return "try \(buffer).readKafkaArray(compact: \(compact)\(sizeArgument)) { \(element) }"
        }
        if field.isStruct {
            if optional {
                return "try \(buffer).readKafkaNullableStruct(nullable: \(nullable)) { try \(field.type)(from: &$0, version: version) }"
            }
            return "try \(field.type)(from: &\(buffer), version: version)"
        }
        switch field.type {
        case "string" where optional:
            return "try \(buffer).readKafkaNullableString(compact: \(compact)\(nullableArgument))"
        case "bytes" where optional:
            return "try \(buffer).readKafkaNullableBytes(compact: \(compact)\(nullableArgument))"
        case "records":
            return "try \(buffer).readKafkaNullableBytes(compact: \(compact))"
        default:
            return elementRead(field.type, from: buffer)
        }
    }

    /// A statement writing the field into `buffer`.
    func writeStatement(into buffer: String) -> String {
        let value = "self.\(property)"
        if field.isArray {
            let element = elementWrite(field.elementType, into: "$0", value: "$1")
            let function = optional ? "writeKafkaNullableArray" : "writeKafkaArray"
            return "\(buffer).\(function)(\(value), compact: \(compact)) { \(element) }"
        }
        if field.isStruct {
            if optional {
                return "\(buffer).writeKafkaNullableStruct(\(value), nullable: \(nullable)) { $1.encode(into: &$0, version: version) }"
            }
            return "\(value).encode(into: &\(buffer), version: version)"
        }
        switch field.type {
        case "string" where optional:
            return "\(buffer).writeKafkaNullableString(\(value), compact: \(compact))"
        case "bytes" where optional, "records":
            return "\(buffer).writeKafkaNullableBytes(\(value), compact: \(compact))"
        default:
            return elementWrite(field.type, into: buffer, value: value)
        }
    }

    private var nullableArgument: String { nullable == "true" ? "" : ", nullable: \(nullable)" }

    private func elementRead(_ type: String, from buffer: String) -> String {
        switch type {
        case "int8", "int16", "int32", "int64", "uint16", "uint32":
            return "try \(buffer).readKafkaInteger(as: \(SwiftNames.primitive(type)).self)"
        case "bool": return "try \(buffer).readKafkaBool()"
        case "float64": return "try \(buffer).readKafkaFloat64()"
        case "uuid": return "try \(buffer).readKafkaUUID()"
        case "string": return "try \(buffer).readKafkaString(compact: \(compact))"
        case "bytes", "records": return "try \(buffer).readKafkaBytes(compact: \(compact))"
        default: return "try \(type)(from: &\(buffer), version: version)"
        }
    }

    private func elementWrite(_ type: String, into buffer: String, value: String) -> String {
        switch type {
        case "int8", "int16", "int32", "int64", "uint16", "uint32": return "\(buffer).writeKafkaInteger(\(value))"
        case "bool": return "\(buffer).writeKafkaBool(\(value))"
        case "float64": return "\(buffer).writeKafkaFloat64(\(value))"
        case "uuid": return "\(buffer).writeKafkaUUID(\(value))"
        case "string": return "\(buffer).writeKafkaString(\(value), compact: \(compact))"
        case "bytes", "records": return "\(buffer).writeKafkaBytes(\(value), compact: \(compact))"
        default: return "\(value).encode(into: &\(buffer), version: version)"
        }
    }
}
