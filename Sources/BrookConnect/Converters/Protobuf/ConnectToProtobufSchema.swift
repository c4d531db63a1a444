/// Connect STRUCT schema → `.proto` text as Confluent's `ProtobufData.fromConnectSchema` builds it
/// (defaults: `optional.for.nullables=false`, `wrapper.for.nullables=false`,
/// `scrub.invalid.names=false`): proto3, the schema name's namespace as package, fields numbered by
/// their `io.confluent.connect.protobuf.Tag` parameter or else by order from 1, INT8/INT16 as `int32` with a `connect.type` param in `confluent.field_meta`, arrays
/// as `repeated`, maps as `repeated <Name>Entry` of a nested `key = 1`/`value = 2` message, nested
/// structs as nested messages (unnamed ones `ConnectDefault<n>`), Decimal/Date/Time/Timestamp as
/// `confluent.type.Decimal`, `google.type.Date`, `google.type.TimeOfDay`, `google.protobuf.Timestamp`.
/// Brook does not write unions (oneofs) or enums yet; such schemas are refused.
struct ConnectToProtobufSchema {
    static let defaultSchemaName = "ConnectDefault"
    private var nameIndex = 0
    private var imports: [String] = []

    /// The file text and the full name of the root message.
    static func proto(for schema: ConnectSchema) throws(ConnectDataError) -> (text: String, messageFullName: String) {
        guard schema.type == .struct else { throw ConnectDataError("Unsupported root schema of type \(schema.type)") }
        var writer = ConnectToProtobufSchema()
        let fullName = writer.nameOrDefault(schema.name)
        let (namespace, name) = split(fullName)
        let body = try writer.message(name, schema, indent: "")
        var text = "syntax = \"proto3\";\n"
        if let namespace { text += "package \(namespace);\n" }
        text += "\n"
        for path in writer.imports { text += "import \"\(path)\";\n" }
        if !writer.imports.isEmpty { text += "\n" }
        return (text + body, fullName)
    }

    private mutating func nameOrDefault(_ name: String?) -> String {
        if let name, !name.isEmpty { return name }
        nameIndex += 1
        return Self.defaultSchemaName + String(nameIndex)
    }

    private static func split(_ fullName: String) -> (String?, String) {
        guard let dot = fullName.lastIndex(of: ".") else { return (nil, fullName) }
        return (String(fullName[..<dot]), String(fullName[fullName.index(after: dot)...]))
    }

    private mutating func addImport(_ path: String) {
        if !imports.contains(path) { imports.append(path) }
    }

    private mutating func message(_ name: String, _ schema: ConnectSchema, indent: String) throws(ConnectDataError) -> String {
        var fieldLines: [String] = []
        var nested: [String] = []
        var nestedNames: Set<String> = []
        var nextTag = 1
        for field in schema.fields {
            // A tag read from a proto file (ProtobufData's Tag parameter) keeps its number.
            let tag: Int
            if let kept = field.schema.parameter(ProtobufToConnect.tagParameter).flatMap({ Int($0) }), kept > 0 {
                tag = kept
            } else {
                tag = nextTag
                nextTag += 1
            }
            var fieldSchema = field.schema
            var label = ""
            if fieldSchema.type == .array {
                label = "repeated "
                guard let element = fieldSchema.valueSchema else { throw ConnectDataError("Array schema has no element schema") }
                guard element.type != .array else { throw ConnectDataError("Array cannot be nested") }
                fieldSchema = element
            }
            var params: [(String, String)] = []
            let type: String
            switch ConnectLogicalType(schemaName: fieldSchema.name) {
            case .decimal:
                if let precision = fieldSchema.parameter("connect.decimal.precision") { params.append(("precision", precision)) }
                if let scale = fieldSchema.parameter(ConnectLogicalType.decimalScaleParameter) { params.append(("scale", scale)) }
                type = "confluent.type.Decimal"; addImport("confluent/type/decimal.proto")
            case .date: type = "google.type.Date"; addImport("google/type/date.proto")
            case .time: type = "google.type.TimeOfDay"; addImport("google/type/timeofday.proto")
            case .timestamp: type = "google.protobuf.Timestamp"; addImport("google/protobuf/timestamp.proto")
            case nil:
                switch fieldSchema.type {
                case .int8: type = "int32"; params.append(("connect.type", "int8"))
                case .int16: type = "int32"; params.append(("connect.type", "int16"))
                case .int32: type = "int32"
                case .int64: type = "int64"
                case .float32: type = "float"
                case .float64: type = "double"
                case .boolean: type = "bool"
                case .string: type = "string"
                case .bytes: type = "bytes"
                case .array: throw ConnectDataError("Array cannot be nested")
                case .map:
                    guard label.isEmpty else { throw ConnectDataError("Brook's ProtobufConverter does not write arrays of maps") }
                    label = "repeated "
                    type = Self.unqualified(nameOrDefault(fieldSchema.name)) + "Entry"
                    guard let keySchema = fieldSchema.keySchema, let valueSchema = fieldSchema.valueSchema else {
                        throw ConnectDataError("Map schema has no key or value schema")
                    }
                    let entry = try ConnectSchema.struct([("key", keySchema), ("value", valueSchema)])
                    nested.append(try message(type, entry, indent: indent + "  "))
                case .struct:
                    if fieldSchema.name == "io.confluent.connect.protobuf.Union" || fieldSchema.name?.hasPrefix("io.confluent.connect.protobuf.Union.") == true {
                        throw ConnectDataError("Brook's ProtobufConverter does not write unions (oneofs) yet")
                    }
                    var name = Self.unqualified(nameOrDefault(fieldSchema.name))
                    if name == field.name { name += "Message" }
                    type = name
                    if !nestedNames.contains(name) {
                        nestedNames.insert(name)
                        nested.append(try message(name, fieldSchema.required(), indent: indent + "  "))
                    }
                }
            }
            if fieldSchema.parameter("io.confluent.connect.protobuf.Enum") != nil {
                throw ConnectDataError("Brook's ProtobufConverter does not write enums yet")
            }
            var line = "\(indent)  \(label)\(type) \(field.name) = \(tag)"
            if !params.isEmpty {
                addImport("confluent/meta.proto")
                let entries = params.map { "{ key: \"\($0.0)\", value: \"\($0.1)\" }" }.joined(separator: ", ")
                line += " [(confluent.field_meta) = { params: [\(entries)] }]"
            }
            fieldLines.append(line + ";")
        }
        var text = "\(indent)message \(name) {\n"
        for line in fieldLines { text += line + "\n" }
        for body in nested { text += "\n" + body }
        return text + "\(indent)}\n"
    }

    private static func unqualified(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}
