import ArgumentParser
import BrookRegistryClient
import BrookSchemas
import Foundation

/// `brook schema`: the Schema Registry from the command line (Brook's built-in one, or any
/// Confluent-compatible registry): register, get, list, versions, check compatibility, delete,
/// config, mode. Answers are printed as the registry's JSON.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Manage schemas in the Schema Registry.",
        subcommands: [Register.self, Get.self, List.self, Versions.self, Check.self, Delete.self, Config.self, Mode.self,
                      Types.self]
    )

    /// Where the registry is (`--registry`, else `BROOK_SCHEMA_REGISTRY_URL`, else Brook's default).
    struct RegistryOptions: ParsableArguments {
        @Option(name: .long, help: "Schema Registry URL (default $BROOK_SCHEMA_REGISTRY_URL or http://127.0.0.1:8081).")
        var registry: String?

        func client() throws -> SchemaRegistryClient { try Self.client(url: registry) }

        static func client(url given: String?) throws -> SchemaRegistryClient {
            let url = given ?? ProcessInfo.processInfo.environment["BROOK_SCHEMA_REGISTRY_URL"] ?? "http://127.0.0.1:8081"
            do {
                return try SchemaRegistryClient(url: url)
            } catch {
                throw CLIError.usage("\(error)")
            }
        }
    }

    /// The schema a command sends: text from a file (or `-` for stdin), its type and references.
    struct SchemaInput: ParsableArguments {
        @Option(name: .long, help: "File holding the schema text ('-' reads stdin).") var file: String
        @Option(name: .long, help: "AVRO (default), PROTOBUF or JSON.") var type: String = "AVRO"
        @Option(name: .long, help: ArgumentHelp("A schema reference.", valueName: "name=subject:version"))
        var reference: [String] = []

        func body() throws -> JSONValue {
            guard let type = SchemaType(rawValue: type.uppercased()) else {
                throw CLIError.usage("--type must be AVRO, PROTOBUF or JSON, not \(self.type)")
            }
            let text: String
            if file == "-" {
                text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            } else {
                guard let read = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw CLIError.usage("cannot read schema file \(file)")
                }
                text = read
            }
            var references: [SchemaReference] = []
            for item in reference {
                guard let eq = item.firstIndex(of: "="), let colon = item.lastIndex(of: ":"), eq < colon,
                      let version = Int(item[item.index(after: colon)...]) else {
                    throw CLIError.usage("--reference expects name=subject:version, got '\(item)'")
                }
                references.append(SchemaReference(name: String(item[..<eq]),
                                                  subject: String(item[item.index(after: eq)..<colon]), version: version))
            }
            return SchemaRegistryClient.schemaBody(text, type: type, references: references)
        }
    }

    static func path(_ segments: String...) -> String {
        "/" + segments.map(SchemaRegistryClient.escape).joined(separator: "/")
    }

    static func show(_ value: JSONValue) {
        if case .string(let text) = value { print(text) } else { print(value.compactText) }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a schema under a subject (prints its id).")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: "Subject, e.g. orders-value.") var subject: String
        @OptionGroup var schema: SchemaInput
        @Flag(help: "Store the normalized form.") var normalize = false

        func run() async throws {
            try await runClientCommand {
                show(try await registry.client().request(
                    .POST, path("subjects", subject, "versions") + "?normalize=\(normalize)", body: try schema.body()))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a schema by id, or a subject's version.")
        @OptionGroup var registry: RegistryOptions
        @Option(name: .long, help: "Global schema id.") var id: Int32?
        @Option(name: .long, help: "Subject (with --version).") var subject: String?
        @Option(name: .long, help: "Version number, latest or -1.") var version: String = "latest"
        @Flag(name: .long, help: "Print only the schema text.") var schemaOnly = false
        @Flag(name: .long, help: "Include soft-deleted versions.") var deleted = false

        func run() async throws {
            try await runClientCommand {
                let client = try registry.client()
                let answer: JSONValue
                switch (id, subject) {
                case (let id?, nil): answer = try await client.request(.GET, "/schemas/ids/\(id)")
                case (nil, let subject?):
                    answer = try await client.request(.GET, path("subjects", subject, "versions", version) + "?deleted=\(deleted)")
                default: throw CLIError.usage("give either --id or --subject")
                }
                if schemaOnly, let text = answer["schema"]?.stringValue { print(text) } else { show(answer) }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List subjects, one per line.")
        @OptionGroup var registry: RegistryOptions
        @Option(name: .long, help: "Only subjects starting with this.") var prefix: String?
        @Flag(name: .long, help: "Include soft-deleted subjects.") var deleted = false

        func run() async throws {
            try await runClientCommand {
                var query = "?deleted=\(deleted)"
                if let prefix { query += "&subjectPrefix=" + SchemaRegistryClient.escape(prefix) }
                let answer = try await registry.client().request(.GET, "/subjects" + query)
                for subject in answer.arrayValue ?? [] { print(subject.stringValue ?? subject.compactText) }
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a subject's versions.")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: "Subject.") var subject: String
        @Flag(name: .long, help: "Include soft-deleted versions.") var deleted = false

        func run() async throws {
            try await runClientCommand {
                show(try await registry.client().request(.GET, path("subjects", subject, "versions") + "?deleted=\(deleted)"))
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a schema's compatibility with a subject (exit status 1 when incompatible).")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: "Subject.") var subject: String
        @OptionGroup var schema: SchemaInput
        @Option(name: .long, help: "Version to check against: a number, latest, or all.") var version: String = "latest"

        func run() async throws {
            try await runClientCommand {
                let target = version == "all" ? path("compatibility", "subjects", subject, "versions")
                    : path("compatibility", "subjects", subject, "versions", version)
                let answer = try await registry.client().request(.POST, target + "?verbose=true", body: try schema.body())
                show(answer)
                if answer["is_compatible"]?.boolValue != true { throw ExitCode(CLIExit.failed.rawValue) }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a subject or one version (soft; --permanent after a soft delete removes it for good).")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: "Subject.") var subject: String
        @Option(name: .long, help: "Only this version.") var version: String?
        @Flag(name: .long, help: "Hard delete (after a soft delete).") var permanent = false

        func run() async throws {
            try await runClientCommand {
                let target = version.map { path("subjects", subject, "versions", $0) } ?? path("subjects", subject)
                show(try await registry.client().request(.DELETE, target + "?permanent=\(permanent)"))
            }
        }
    }

    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set the compatibility level, global or of a subject.")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: "Subject (omit for the global setting).") var subject: String?
        @Option(name: .long, help: "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE.")
        var set: String?
        @Flag(name: .long, help: "Remove the subject's own setting (it then follows the global one).") var reset = false

        func run() async throws {
            try await runClientCommand {
                let client = try registry.client()
                let target = subject.map { path("config", $0) } ?? "/config"
                if reset {
                    guard subject != nil else { throw CLIError.usage("--reset needs a subject") }
                    show(try await client.request(.DELETE, target))
                } else if let set {
                    show(try await client.request(.PUT, target, body: .object([("compatibility", .string(set.uppercased()))])))
                } else {
                    show(try await client.request(.GET, target + (subject == nil ? "" : "?defaultToGlobal=true")))
                }
            }
        }
    }

    struct Mode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show or set the mode (READWRITE, READONLY, IMPORT).")
        @OptionGroup var registry: RegistryOptions
        @Argument(help: "Subject (omit for the global mode).") var subject: String?
        @Option(name: .long, help: "READWRITE, READONLY, READONLY_OVERRIDE or IMPORT.") var set: String?
        @Flag(name: .long, help: "Allow IMPORT on a registry that is not empty.") var force = false

        func run() async throws {
            try await runClientCommand {
                let client = try registry.client()
                let target = subject.map { path("mode", $0) } ?? "/mode"
                if let set {
                    show(try await client.request(.PUT, target + "?force=\(force)", body: .object([("mode", .string(set.uppercased()))])))
                } else {
                    show(try await client.request(.GET, target))
                }
            }
        }
    }

    struct Types: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the schema types the registry supports.")
        @OptionGroup var registry: RegistryOptions

        func run() async throws {
            try await runClientCommand { show(try await registry.client().request(.GET, "/schemas/types")) }
        }
    }
}
