/// A schema's own file and every file it imports, parsed, resolved and validated together.
struct ProtoFileSet: Sendable, Hashable {
    var main: ProtoFile
    var table: ProtoTypeTable
    /// The imported files by import path, resolved (references and built-in files alike).
    var dependencies: [String: ProtoFile]
}

/// Loads a schema: its imports come from the registry's resolved references (matched by import
/// path) or from the built-in well-known files.
enum ProtoLoader {
    /// More imported files than this is refused (hostile reference graphs).
    static let maximumFiles = 1_000

    static func load(_ text: String, references: [ResolvedReference]) throws(InvalidSchemaError) -> ProtoFileSet {
        var main = try parseTextOrDescriptor(text)
        let byName = Dictionary(references.map { ($0.reference.name, $0) }, uniquingKeysWith: { _, last in last })

        var loaded: [(path: String, reference: SchemaReference?, file: ProtoFile)] = []
        var seen = Set<String>()
        var queue = main.imports.map(\.path)
        while !queue.isEmpty {
            let path = queue.removeFirst()
            guard seen.insert(path).inserted else { continue }
            guard loaded.count < maximumFiles else { throw InvalidSchemaError("Invalid Protobuf schema: more than \(maximumFiles) imported files") }
            let file: ProtoFile
            let reference: SchemaReference?
            if let resolved = byName[path] {
                file = try inImport(path) { () throws(InvalidSchemaError) in try parseTextOrDescriptor(resolved.schema) }
                reference = resolved.reference
            } else if let builtIn = WellKnownProtos.parsed[path] {
                file = builtIn
                reference = nil
            } else {
                throw InvalidSchemaError("Invalid Protobuf schema: import \"\(path)\" is neither among the schema's references nor a well-known type")
            }
            loaded.append((path, reference, file))
            queue += file.imports.map(\.path)
        }

        var table = ProtoTypeTable()
        try table.register(main, reference: nil, importPath: nil)
        for entry in loaded {
            try inImport(entry.path) { () throws(InvalidSchemaError) in try table.register(entry.file, reference: entry.reference, importPath: entry.path) }
        }
        var dependencies: [String: ProtoFile] = [:]
        for entry in loaded {
            var file = entry.file
            try ProtoValidator.resolveAndValidate(&file, table: table, importPath: entry.path)
            table.storeResolved(file)
            dependencies[entry.path] = file
        }
        try ProtoValidator.resolveAndValidate(&main, table: table, importPath: nil)
        table.storeResolved(main)
        return ProtoFileSet(main: main, table: table, dependencies: dependencies)
    }

    /// `.proto` text, or else a base64 `FileDescriptorProto` (as confluent-kafka-python registers
    /// schemas); a text error is reported when the input is neither.
    static func parseTextOrDescriptor(_ text: String) throws(InvalidSchemaError) -> ProtoFile {
        do {
            return try ProtoParser.parse(text)
        } catch {
            guard let file = try? ProtoDescriptorReader.read(base64: text) else { throw error }
            return file
        }
    }

    /// Runs `body`, naming the imported file in any error it throws.
    private static func inImport<T>(_ path: String, _ body: () throws(InvalidSchemaError) -> T) throws(InvalidSchemaError) -> T {
        do {
            return try body()
        } catch {
            let prefix = "Invalid Protobuf schema: "
            if error.message.hasPrefix(prefix + "in \"") { throw error }
            let reason = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
            throw InvalidSchemaError("\(prefix)in \"\(path)\": \(reason)")
        }
    }
}
