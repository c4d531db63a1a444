/// Swift spellings: property names, types, default values.
enum SwiftNames {
    private static let keywords: Set<String> = [
        "as", "break", "case", "catch", "class", "continue", "default", "defer", "do", "else", "enum", "extension",
        "fallthrough", "false", "for", "func", "guard", "if", "import", "in", "init", "inout", "internal", "is",
        "let", "nil", "operator", "private", "protocol", "public", "repeat", "rethrows", "return", "self", "Self",
        "static", "struct", "subscript", "super", "switch", "throw", "throws", "true", "try", "typealias", "var",
        "where", "while", "Type", "Protocol", "any", "some",
    ]

    /// Kafka's UpperCamelCase name in lowerCamelCase ("ThrottleTimeMs" → "throttleTimeMs", "ISRNodes" → "isrNodes").
    static func property(_ name: String) -> String {
        let chars = Array(name)
        let upperRun = chars.prefix(while: { $0.isUppercase }).count
        let lowerCount: Int
        if upperRun <= 1 || upperRun == chars.count {
            lowerCount = upperRun
        } else {
            lowerCount = upperRun - 1
        }
        let result = String(chars[..<max(lowerCount, 1)]).lowercased() + String(chars[max(lowerCount, 1)...])
        return keywords.contains(result) ? "`\(result)`" : result
    }

    /// The Swift spelling of a primitive element type.
    static func primitive(_ type: String) -> String {
        switch type {
        case "int8": return "Int8"
        case "int16": return "Int16"
        case "int32": return "Int32"
        case "int64": return "Int64"
        case "uint16": return "UInt16"
        case "uint32": return "UInt32"
        case "float64": return "Double"
        case "bool": return "Bool"
        case "string": return "String"
        case "bytes", "records": return "ByteBuffer"
        case "uuid": return "KafkaUUID"
        default: return type
        }
    }

    /// Fixed size in bytes of one array element, used to bound counts read from the wire.
    static func minimumSize(_ type: String) -> Int {
        switch type {
        case "int16", "uint16": return 2
        case "int32", "uint32": return 4
        case "int64", "float64": return 8
        case "uuid": return 16
        default: return 1
        }
    }

    static func isOptional(_ field: FieldSpec) -> Bool {
        if field.type == "records" { return true }
        let nullableType = field.isArray || field.isStruct || field.type == "string" || field.type == "bytes"
        return nullableType && !field.nullableVersions.isEmpty
    }

    static func type(_ field: FieldSpec) -> String {
        let base = field.isArray ? "[\(primitive(field.elementType))]" : primitive(field.type)
        return isOptional(field) ? base + "?" : base
    }

    static func defaultValue(_ field: FieldSpec) -> String {
        if field.type == "records" { return "nil" }
        if let value = field.defaultValue {
            if value == "null" { return isOptional(field) ? "nil" : fallbackDefault(field) }
            if field.type == "string" { return value.hasPrefix("\"") ? value : "\"\(value)\"" }
            return value
        }
        return fallbackDefault(field)
    }

    private static func fallbackDefault(_ field: FieldSpec) -> String {
        if field.isArray { return "[]" }
        if field.isStruct { return "\(field.type)()" }
        switch field.type {
        case "bool": return "false"
        case "string": return "\"\""
        case "bytes": return "ByteBuffer()"
        case "uuid": return "KafkaUUID.zero"
        default: return "0"
        }
    }
}
