/// A validated `.proto` schema with everything it imports resolved: what the registry stores
/// (`canonicalString`, `normalized()`), compares (`compatibilityIssues`), and what the serializers'
/// message indexes point into.
public struct ProtobufSchema: ParsedSchema, Hashable {
    let files: ProtoFileSet
    public let canonicalString: String

    public init(text: String, references: [ResolvedReference] = []) throws(InvalidSchemaError) {
        files = try ProtoLoader.load(text, references: references)
        canonicalString = ProtoPrinter.canonical(files.main, table: files.table)
    }

    public var schemaType: SchemaType { .protobuf }

    public func normalized() -> String {
        ProtoPrinter.normalized(files.main, table: files.table)
    }

    /// The schema as a base64 serialized `FileDescriptorProto`: Confluent's `format=serialized`,
    /// which confluent-kafka-python's Protobuf serializer and deserializer ask for.
    public func serializedDescriptor(fileName: String? = nil) -> String {
        ProtoBase64.encode(ProtoDescriptorWriter(table: files.table).write(files.main, name: fileName))
    }

    /// The file's package, if it declares one.
    public var package: String? { files.main.package }

    /// Full names (package included) of the file's messages, top-level and nested, in the order
    /// their message indexes enumerate them (depth first).
    public var messageFullNames: [String] {
        var names: [String] = []
        func walk(_ messages: [ProtoMessage], prefix: String) {
            for message in messages {
                names.append(prefix + message.name)
                walk(message.messages, prefix: prefix + message.name + ".")
            }
        }
        walk(files.main.messages, prefix: files.main.packagePrefix)
        return names
    }

    /// The message indexes Confluent's serializers write after the schema id for the message
    /// `fullName` (package optional): `[0]` for the first top-level message, `[1, 0]` for the first
    /// message nested in the second one. Nil when the file declares no such message.
    public func messageIndexes(forFullName fullName: String) -> [Int]? {
        var name = fullName.hasPrefix(".") ? String(fullName.dropFirst()) : fullName
        if let package = files.main.package, name.hasPrefix(package + ".") { name = String(name.dropFirst(package.count + 1)) }
        var indexes: [Int] = []
        var messages = files.main.messages
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard let i = messages.firstIndex(where: { $0.name == part }) else { return nil }
            indexes.append(i)
            messages = messages[i].messages
        }
        return indexes
    }

    /// The full name of the message that `indexes` point to; an empty list means the first
    /// top-level message, as the serializers' one-byte `0` encoding does. Nil when out of range.
    public func messageFullName(forIndexes indexes: [Int]) -> String? {
        var messages = files.main.messages
        var parts: [String] = []
        for i in indexes.isEmpty ? [0] : indexes {
            guard messages.indices.contains(i) else { return nil }
            parts.append(messages[i].name)
            messages = messages[i].messages
        }
        return files.main.packagePrefix + parts.joined(separator: ".")
    }

    public func compatibilityIssues(readingDataWrittenWith writer: any ParsedSchema) -> [CompatibilityIssue] {
        guard let writer = writer as? ProtobufSchema else {
            return [CompatibilityIssue(errorType: "TYPE_MISMATCH", path: "#/", detail: "Incompatible because of different schema type")]
        }
        return ProtoCompatibility.issues(writer: writer.files, reader: files)
    }

    public static func == (lhs: ProtobufSchema, rhs: ProtobufSchema) -> Bool {
        // Where things were written (lines, columns) does not matter; what was imported does.
        lhs.canonicalString == rhs.canonicalString && lhs.files.table.entries == rhs.files.table.entries
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalString)
    }
}
