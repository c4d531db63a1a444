import ArgumentParser
import BrookConnect
import BrookRegistryClient
import BrookSchemas
import Foundation

/// `brook connect list|status|create|...`: the Connect REST API from the command line (the calls
/// `curl` would make against port 8083, with readable output).
extension ConnectCommand {
    struct RESTOptions: ParsableArguments {
        @Option(name: .customLong("connect"), help: "Connect REST URL (default $BROOK_CONNECT_URL or http://127.0.0.1:8083).")
        var url: String?

        /// Connect's REST API speaks the same JSON-over-HTTP as the registry; its error body has
        /// the same `error_code` and `message` members.
        func client() throws -> SchemaRegistryClient {
            let url = url ?? ProcessInfo.processInfo.environment["BROOK_CONNECT_URL"] ?? "http://127.0.0.1:8083"
            do {
                return try SchemaRegistryClient(url: url)
            } catch {
                throw CLIError.usage("\(error)")
            }
        }
    }

    static func path(_ segments: String...) -> String {
        "/" + segments.map(SchemaRegistryClient.escape).joined(separator: "/")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List connectors with their state, one per line.")
        @OptionGroup var rest: RESTOptions

        func run() async throws {
            try await runConnectCommand {
                let answer = try await rest.client().request(.GET, "/connectors?expand=status")
                for (name, entry) in answer.objectMembers ?? [] {
                    let status = entry["status"]
                    let state = status?["connector"]?["state"]?.stringValue ?? "?"
                    let tasks = (status?["tasks"]?.arrayValue ?? []).map { $0["state"]?.stringValue ?? "?" }
                    print("\(name)\t\(status?["type"]?.stringValue ?? "?")\t\(state)\ttasks: \(tasks.isEmpty ? "none" : tasks.joined(separator: ","))")
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a connector's status (Connect's status JSON).")
        @OptionGroup var rest: RESTOptions
        @Argument(help: "Connector name.") var name: String

        func run() async throws {
            try await runConnectCommand { print(try await rest.client().request(.GET, path("connectors", name, "status")).compactText) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a connector, or update its config, from a file.",
            discussion: "FILE is a connector .properties file (key=value lines) or JSON: a config object, or {\"name\",\"config\"} as POST /connectors takes.")
        @OptionGroup var rest: RESTOptions
        @Argument(help: "The connector's config file.") var file: String
        @Option(name: .long, help: "Connector name (default: the file's name config).") var name: String?

        func run() async throws {
            try await runConnectCommand {
                guard let data = FileManager.default.contents(atPath: file) else { throw CLIError.usage("cannot read \(file)") }
                let config = try Self.config(Array(data), file: file)
                guard let connector = name ?? config["name"] else { throw CLIError.usage("\(file) names no connector: give --name") }
                var members = config
                members["name"] = connector
                let body = JSONValue.object(members.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                print(try await rest.client().request(.PUT, path("connectors", connector, "config"), body: body).compactText)
            }
        }

        static func config(_ bytes: [UInt8], file: String) throws -> [String: String] {
            if let parsed = try? JSONParser.parse(bytes), let members = (parsed["config"] ?? parsed).objectMembers {
                var out: [String: String] = [:]
                for (key, value) in members where value != .null {
                    out[key] = value.stringValue ?? value.compactText
                }
                if out["name"] == nil, let name = parsed["name"]?.stringValue { out["name"] = name }
                return out
            }
            return try ConnectorPropertiesFile.parse(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// pause, resume, stop, delete, restart: one call each.
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pause a connector and its tasks.")
        @OptionGroup var rest: RESTOptions
        @Argument(help: "Connector name.") var name: String
        func run() async throws { try await simple(rest, done: "paused \(name)") { try await $0.request(.PUT, path("connectors", name, "pause")) } }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a paused or stopped connector.")
        @OptionGroup var rest: RESTOptions
        @Argument(help: "Connector name.") var name: String
        func run() async throws { try await simple(rest, done: "resumed \(name)") { try await $0.request(.PUT, path("connectors", name, "resume")) } }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a connector (its tasks are shut down; offsets may then be altered).")
        @OptionGroup var rest: RESTOptions
        @Argument(help: "Connector name.") var name: String
        func run() async throws { try await simple(rest, done: "stopped \(name)") { try await $0.request(.PUT, path("connectors", name, "stop")) } }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restart a connector (and its tasks with --include-tasks).")
        @OptionGroup var rest: RESTOptions
        @Argument(help: "Connector name.") var name: String
        @Flag(name: .long, help: "Restart its tasks too.") var includeTasks = false
        @Flag(name: .long, help: "Only what has failed.") var onlyFailed = false
        func run() async throws {
            let query = "?includeTasks=\(includeTasks)&onlyFailed=\(onlyFailed)"
            try await simple(rest, done: "restarting \(name)") { try await $0.request(.POST, path("connectors", name, "restart") + query) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a connector.")
        @OptionGroup var rest: RESTOptions
        @Argument(help: "Connector name.") var name: String
        func run() async throws { try await simple(rest, done: "deleted \(name)") { try await $0.request(.DELETE, path("connectors", name)) } }
    }

    struct Plugins: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the connector plugins this Brook runs.")
        @OptionGroup var rest: RESTOptions
        func run() async throws {
            try await runConnectCommand {
                for plugin in try await rest.client().request(.GET, "/connector-plugins").arrayValue ?? [] {
                    print("\(plugin["class"]?.stringValue ?? "?")\t\(plugin["type"]?.stringValue ?? "?")\t\(plugin["version"]?.stringValue ?? "?")")
                }
            }
        }
    }
}

private func simple(_ rest: ConnectCommand.RESTOptions, done: String,
                    _ call: (SchemaRegistryClient) async throws -> JSONValue) async throws {
    try await runConnectCommand {
        let answer = try await call(try rest.client())
        if case .string(let text) = answer, text.isEmpty { print(done) } else { print(answer.compactText) }
    }
}

/// `runClientCommand` with Connect's wording for what the shared HTTP client reports.
private func runConnectCommand(_ body: () async throws -> Void) async throws {
    try await runClientCommand {
        do {
            try await body()
        } catch let error as SchemaRegistryClientError {
            switch error {
            case .server(let status, _, let message):
                let text = "Connect REST API answered \(status): \(message)"
                throw status == 404 ? CLIError.notFound(text) : CLIError.failed(text)
            case .transport(let message):
                throw CLIError(description: message.replacingOccurrences(of: "the Schema Registry", with: "the Connect REST API"),
                               exit: .unreachable)
            case .invalidResponse(let message):
                throw CLIError.failed("unexpected answer from the Connect REST API: \(message)")
            }
        }
    }
}
