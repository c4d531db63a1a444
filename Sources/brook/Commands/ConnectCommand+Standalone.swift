import BrookClient
import BrookConnect
import Foundation
import Logging

extension ConnectCommand.Run {
    /// Runs `connectors` on a standalone worker until interrupted: each is validated first (every
    /// problem printed with its key), each task's state changes are printed to stderr, and a task
    /// that fails ends the run with its trace.
    func runStandalone(_ connectors: [[String: String]]) async throws {
        if once { throw CLIError.usage("--once applies to the desired-state source alone") }
        let base = (file as NSString).deletingLastPathComponent
        let (clientConfig, _) = try client.clientConfig(clientId: "brook-connect")
        var logger = Logger(label: "brook.connect")
        logger.logLevel = .warning
        let worker: StandaloneWorker
        do {
            worker = try StandaloneWorker(client: clientConfig, logger: logger)
        } catch {
            throw CLIError.usage("\(error)")
        }
        var resolved: [[String: String]] = []
        for var config in connectors {
            config["name"] = config["name"] ?? ConnectPipeline.defaultName(forFile: file)
            // The desired-state source's glob is relative to the file, as on the pass-by-pass path.
            if let path = config["path"], !path.hasPrefix("/"), !base.isEmpty, (config["connector.class"] ?? "").hasPrefix("DesiredState") {
                config["path"] = base + "/" + path
            }
            let problems = worker.problems(config)
            guard problems.isEmpty else {
                throw CLIError.usage("\(file): connector \(config["name"] ?? "?"):\n  " + problems.joined(separator: "\n  "))
            }
            resolved.append(config)
        }
        let failure = FailedTask()
        let toRun = resolved
        try await withInterruptHandling {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await worker.run(toRun) { event in
                        printError("task \(event.task) \(event.state.rawValue)" + (event.trace.map { ": \($0)" } ?? ""))
                        if event.state == .failed { failure.set(event) }
                    }
                }
                group.addTask {
                    // A failed task ends the run (connect-standalone would keep a dead task around).
                    while !failure.isSet { try await Task.sleep(for: .milliseconds(100)) }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        }
        if let failed = failure.event {
            throw CLIError.failed("task \(failed.task) failed: \(failed.trace ?? "no trace")")
        }
    }
}

/// The first task failure of a standalone run.
private final class FailedTask: @unchecked Sendable {
    private let lock = NSLock()
    private var first: StandaloneWorker.Event?

    func set(_ event: StandaloneWorker.Event) { lock.withLock { if first == nil { first = event } } }
    var isSet: Bool { lock.withLock { first != nil } }
    var event: StandaloneWorker.Event? { lock.withLock { first } }
}
