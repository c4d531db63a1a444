/// One field of a message or struct, as declared in a spec file.
struct FieldSpec {
    var name: String
    var type: String
    var versions: VersionRange
    var nullableVersions: VersionRange = .none
    var tag: Int?
    var taggedVersions: VersionRange = .none
    var defaultValue: String?
    var fields: [FieldSpec] = []
    var line: Int

    var isArray: Bool { type.hasPrefix("[]") }
    var elementType: String { isArray ? String(type.dropFirst(2)) : type }
    var isStruct: Bool { !PrimitiveType.names.contains(elementType) }
}

/// A named struct: nested inline or declared as a common struct.
struct StructSpec {
    var name: String
    var fields: [FieldSpec]
}

/// A request or response message.
struct MessageSpec {
    var name: String
    var fields: [FieldSpec]
    var commonStructs: [StructSpec]
}

/// One API: header line plus request and response.
struct ApiSpec {
    var name: String
    var apiKey: Int
    var versions: VersionRange
    var flexibleVersions: VersionRange
    var request: MessageSpec
    var response: MessageSpec
    var fileName: String
}

/// The primitive type names of the spec language.
enum PrimitiveType {
    static let names: Set<String> = [
        "int8", "int16", "int32", "int64", "uint16", "uint32", "float64", "bool", "string", "bytes", "records", "uuid",
    ]
}
