import ArgumentParser
import BrookRegistryClient
import BrookSchemas
import Foundation

/// Where `brook produce/consume` find the Schema Registry: `-r URL`, else
/// `$BROOK_SCHEMA_REGISTRY_URL`, else Brook's default (kcat's `-r`).
struct RecordRegistryOption: ParsableArguments {
    @Option(name: [.customShort("r"), .customLong("registry")],
            help: "Schema Registry URL for --key-schema/--value-schema (default $BROOK_SCHEMA_REGISTRY_URL or http://127.0.0.1:8081).")
    var registry: String?

    func client() throws -> SchemaRegistryClient {
        try SchemaCommand.RegistryOptions.client(url: registry)
    }
}

/// What `brook produce --key-schema/--value-schema SPEC` writes with:
/// `[avro:|protobuf:|json:]FILE[#Message]` (registered under the topic's subject on first use; the
/// type follows the prefix or the extension .avsc/.proto/.json), `id:N`, `latest` or `version:N`.
struct ProduceSchemaSpec: Equatable {
    enum Schema: Equatable {
        case file(path: String, type: SchemaType)
        case id(Int32)
        case version(String)
    }

    var schema: Schema
    /// `#Message` after a Protobuf file: the message to write (default the first one).
    var protobufMessage: String?

    init(_ text: String) throws {
        if let id = text.strippingPrefix("id:") {
            guard let value = Int32(id), value >= 0 else { throw CLIError.usage("id:N expects a schema id, got '\(text)'") }
            self.schema = .id(value)
            return
        }
        if text == "latest" {
            self.schema = .version("latest")
            return
        }
        if let version = text.strippingPrefix("version:") {
            guard let number = Int(version), number > 0 else { throw CLIError.usage("version:N expects a version number, got '\(text)'") }
            self.schema = .version(String(number))
            return
        }
        var path = text
        var type: SchemaType?
        for (prefix, named) in [("avro:", SchemaType.avro), ("protobuf:", .protobuf), ("json:", .json)] {
            if let rest = text.strippingPrefix(prefix) {
                path = rest
                type = named
            }
        }
        if let hash = path.lastIndex(of: "#") {
            protobufMessage = String(path[path.index(after: hash)...])
            path = String(path[..<hash])
        }
        if type == nil {
            switch (path as NSString).pathExtension.lowercased() {
            case "avsc": type = .avro
            case "proto": type = .protobuf
            case "json": type = .json
            default:
                throw CLIError.usage("cannot tell the schema type of '\(path)': name it avro:FILE, protobuf:FILE or json:FILE")
            }
        }
        guard let type else { throw CLIError.usage("no schema type for '\(text)'") }
        if protobufMessage != nil, type != .protobuf { throw CLIError.usage("#Message is for Protobuf schemas only ('\(text)')") }
        self.schema = .file(path: path, type: type)
    }

    /// A serializer for `subject` (TopicNameStrategy: `<topic>-key` / `<topic>-value`).
    func serializer(registry: any SchemaRegistryLookups, subject: String) throws -> SchemaRegistrySerializer {
        let source: SchemaRegistrySerializer.Source
        switch schema {
        case let .file(path, type):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CLIError.usage("cannot read schema file \(path)")
            }
            source = .schema(text, type: type)
        case .id(let id): source = .id(id)
        case .version(let version): source = .version(version)
        }
        return SchemaRegistrySerializer(registry: registry, subject: subject, source: source, protobufMessage: protobufMessage)
    }
}

/// How `brook consume` decodes keys or values (`--key-schema/--value-schema TYPE`, kcat's
/// `-s key=avro`): through the registry, by the schema id each record carries; `TYPE` is `avro`,
/// `protobuf` or `json` (records of other types fail) or `any`.
struct ConsumeSchemaChoice: Equatable {
    var key: SchemaType??
    var value: SchemaType??

    /// From `--key-schema`, `--value-schema` and kcat-style `-s` items (`key=T`, `value=T`, or `T` for both).
    init(key: String?, value: String?, kcatStyle: [String]) throws {
        self.key = try key.map(Self.type)
        self.value = try value.map(Self.type)
        for item in kcatStyle {
            if let rest = item.strippingPrefix("key=") {
                self.key = try Self.type(rest)
            } else if let rest = item.strippingPrefix("value=") {
                self.value = try Self.type(rest)
            } else {
                let both = try Self.type(item)
                self.key = both
                self.value = both
            }
        }
    }

    var isEmpty: Bool { key == nil && value == nil }

    /// `nil` inside: any type.
    private static func type(_ text: String) throws -> SchemaType? {
        switch text.lowercased() {
        case "any", "registry": return nil
        case "avro": return .avro
        case "protobuf", "proto": return .protobuf
        case "json", "jsonschema", "json_schema": return .json
        default: throw CLIError.usage("unknown schema type '\(text)' (avro, protobuf, json or any)")
        }
    }
}

extension String {
    func strippingPrefix(_ prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}
