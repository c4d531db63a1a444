import ArgumentParser
import BrookClient
import BrookConnect
import Foundation
import Logging

/// `brook connect`: connectors from the command line. `run` runs one connector standalone from a
/// file, as Kafka's `connect-standalone` does with a connector's properties file.
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "Run connectors standalone, or manage them through the Connect REST API.",
        subcommands: [Run.self, List.self, Status.self, Create.self, Pause.self, Resume.self, Stop.self, Restart.self, Delete.self,
                      Plugins.self]
    )

    struct Run: AsyncParsableCommand {
        /// The connectors a file describes: one from a properties file; a pipeline's source, and its
        /// sink when the output is one.
        static func connectors(file: String, text: String) throws -> [[String: String]] {
            guard file.hasSuffix(".yaml") || file.hasSuffix(".yml") else { return [try ConnectorPropertiesFile.parse(text)] }
            let pipeline: ConnectPipeline
            do {
                pipeline = try ConnectPipeline(yaml: text, defaultName: ConnectPipeline.defaultName(forFile: file))
            } catch {
                throw CLIError.usage("\(file): \(error)")
            }
            if case .sink(let sink) = pipeline.output { return [pipeline.source.config, sink.config] }
            return [pipeline.source.config]
        }

        static let configuration = CommandConfiguration(
            abstract: "Run one connector standalone from its config file.",
            discussion: """
                FILE holds the connector's config as Kafka's connect-standalone reads it: key=value lines \
                (# and ! start comments), e.g. name=orders, connector.class=DesiredStateSource, input=csv, \
                path=data/*.csv, key.columns=id, topic=orders. A relative path is relative to FILE's \
                directory. The desired-state source runs a pass, then one whenever an input file changes \
                (inotify: only the changed files are read) and a full one every --interval seconds, until \
                interrupted (--once: a single pass); each pass prints what it emitted. Only \
                DesiredStateSource runs standalone in this version.
                A .yaml/.yml FILE is a pipeline (see docs/connect.md): `input:` a connector with its config, \
                `output: kafka: {topic: ...}`; transforms and sink outputs are refused until the runtime \
                applies them.
                """
        )

        @OptionGroup var client: ClientOptions
        @Argument(help: "The connector's config file (.properties) or a pipeline (.yaml).") var file: String
        @Flag(name: .long, help: "Run one pass and exit.") var once = false
        @Option(name: .long, help: "Seconds between passes.") var interval: Double = 5

        func validate() throws {
            if !(interval > 0) { throw ValidationError("--interval must be positive") }
        }

        func run() async throws {
            try await runClientCommand {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                    throw CLIError.notFound("cannot read \(file)")
                }
                let connectors = try Self.connectors(file: file, text: text)
                // The desired-state source alone runs its passes here and reports each; anything else
                // (other connectors, transforms, sinks) runs on the standalone worker.
                guard connectors.count == 1, let properties = connectors.first,
                      ["DesiredStateSource", "DesiredStateSourceConnector"].contains(properties["connector.class"] ?? ""),
                      (properties["transforms"] ?? "").isEmpty else {
                    try await runStandalone(connectors)
                    return
                }
                let config: DesiredStateConfig
                do {
                    config = try DesiredStateConfig(properties: properties)
                } catch {
                    throw CLIError.usage("\(file): \(error)")
                }
                let (clientConfig, _) = try client.clientConfig(clientId: "brook-connect")
                let base = (file as NSString).deletingLastPathComponent
                var logger = Logger(label: "brook.connect")
                logger.logLevel = .warning
                let runner = DesiredStateSourceRunner(config: config, client: clientConfig,
                                                      baseDirectory: base.isEmpty ? "." : base, logger: logger)
                let once = self.once, interval = self.interval
                // Files are watched (inotify): a change triggers a pass over the changed files
                // alone; the interval still runs a full pass, which also catches missed events.
                let watchRoot = PathGlob(config.path ?? ".").root
                let watcher = once ? nil : try? DirectoryWatcher(root: watchRoot.hasPrefix("/") ? watchRoot : base.isEmpty ? watchRoot : base + "/" + watchRoot)
                let changed = ChangedFiles()
                let forwarding = Task { if let watcher { for await batch in watcher.changes { changed.add(batch) } } }
                defer {
                    watcher?.stop()
                    forwarding.cancel()
                }
                do {
                    try await withInterruptHandling {
                        var scope: Set<String>? = nil
                        while true {
                            let summary = try await runner.runPass(changedFiles: scope)
                            // Written at once (not through print's buffer): a pipe would hold the line back.
                            FileHandle.standardOutput.write(Data(
                                "pass: \(summary.upserts) upsert(s), \(summary.deletes) delete(s), \(summary.unchanged) unchanged\n".utf8))
                            if once { return }
                            let deadline = ContinuousClock.now + .seconds(interval)
                            scope = nil
                            while ContinuousClock.now < deadline {
                                try await Task.sleep(for: .milliseconds(100))
                                if let batch = changed.take() {
                                    scope = batch
                                    break
                                }
                            }
                        }
                    }
                } catch let error as DesiredStateError {
                    await runner.close()
                    throw CLIError.failed("\(error)")
                } catch {
                    await runner.close()
                    throw error
                }
                await runner.close()
            }
        }
    }
}

/// Kafka's `.properties` format as connector files use it: `key=value` or `key: value` lines, `#`
/// and `!` comments, surrounding spaces trimmed.
enum ConnectorPropertiesFile {
    static func parse(_ text: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("!") { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw CLIError.usage("line \(number + 1): expected key=value, got '\(line)'")
            }
            let key = line[..<separator].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: separator)...].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw CLIError.usage("line \(number + 1): empty key") }
            out[key] = value
        }
        return out
    }
}

/// Changed paths the directory watcher reported and the next pass has not taken yet.
final class ChangedFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var paths = Set<String>()

    func add(_ batch: Set<String>) { lock.withLock { paths.formUnion(batch) } }

    func take() -> Set<String>? {
        lock.withLock {
            guard !paths.isEmpty else { return nil }
            defer { paths.removeAll() }
            return paths
        }
    }
}
