import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a test's PostgreSQL could not be started; `binariesMissing` tells a test to skip.
public struct PostgresProcessError: Error, CustomStringConvertible {
    public var description: String
    public var binariesMissing = false
}

/// A private PostgreSQL server for tests: `initdb` into a temporary directory (trust authentication,
/// superuser `brook`), then `postgres` on a free loopback port with its socket in that directory
/// and durability switched off (tests need speed, not crash safety). PostgreSQL refuses to run as
/// root, so under uid 0 (CI) both run as the `postgres` user through `setpriv`, which execs in place
/// and so keeps the server's pid ours to signal. `stop()` ends it by pid (SIGINT, PostgreSQL's fast
/// shutdown, then SIGKILL after a bound) and removes the directory; a forgotten one dies on deinit.
public final class PostgresProcess: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    public let binDirectory: String
    public static let user = "brook"

    /// `postgres://brook@127.0.0.1:<port>/postgres`.
    public var url: String { "postgres://\(Self.user)@127.0.0.1:\(port)/postgres" }
    /// The same in Confluent's JDBC form, with the user as a parameter.
    public var jdbcURL: String { "jdbc:postgresql://127.0.0.1:\(port)/postgres?user=\(Self.user)" }

    private let lock = NSLock()
    private var process: Process?

    /// The highest-versioned `/usr/lib/postgresql/<version>/bin` holding `initdb` and `postgres`.
    public static func findBinDirectory() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap { name -> (Double, String)? in
            guard let version = Double(name) else { return nil }
            let bin = "\(root)/\(name)/bin"
            guard FileManager.default.isExecutableFile(atPath: bin + "/initdb"),
                  FileManager.default.isExecutableFile(atPath: bin + "/postgres") else { return nil }
            return (version, bin)
        }
        return versions.max { $0.0 < $1.0 }?.1
    }

    /// Initialises and starts the server; returns once it accepts connections.
    public init(startupTimeout: TimeInterval = 30) throws {
        guard let bin = Self.findBinDirectory() else {
            throw PostgresProcessError(description: "PostgreSQL binaries not found under /usr/lib/postgresql/<version>/bin: run scripts/install-deps.sh (it installs postgresql)",
                                       binariesMissing: true)
        }
        binDirectory = bin
        port = try EtcdProcess.freeLoopbackPorts(1)[0]
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("brook-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            if getuid() == 0 {
                try Self.run("/bin/chown", ["postgres:postgres", directory.path])
            }
            try Self.run(bin + "/initdb", ["-D", dataPath, "-U", Self.user, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"],
                         log: logPath)
            try start(timeout: startupTimeout)
        } catch {
            stop()
            throw error
        }
    }

    deinit {
        if let process, process.isRunning {
            Self.deliver(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    private var dataPath: String { directory.appendingPathComponent("data").path }
    private var logPath: String { directory.appendingPathComponent("postgres.log").path }

    /// The last `bytes` of the server's and initdb's log, for error messages.
    public func logTail(_ bytes: Int = 3000) -> String {
        guard let data = FileManager.default.contents(atPath: logPath) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    private func start(timeout: TimeInterval) throws {
        let process = try Self.launch(binDirectory + "/postgres", [
            "-D", dataPath, "-p", String(port), "-k", directory.path, "-h", "127.0.0.1",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        ], log: logPath)
        lock.withLock { self.process = process }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw PostgresProcessError(description: "postgres exited with status \(process.terminationStatus) while starting; log tail:\n\(logTail())")
            }
            if isReady() { return }
            Thread.sleep(forTimeInterval: 0.05)   // polling a readiness probe with a deadline
        }
        throw PostgresProcessError(description: "postgres did not accept connections on port \(port) within \(timeout) s; log tail:\n\(logTail())")
    }

    /// pg_isready's answer (exit 0: accepting connections).
    private func isReady() -> Bool {
        guard let probe = try? Self.launch(binDirectory + "/pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-t", "1"], log: nil) else {
            return false
        }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    /// SIGINT (fast shutdown), SIGKILL after `grace` seconds, then removes the directory.
    public func stop(grace: TimeInterval = 10) {
        if let process = lock.withLock({ self.process }), process.isRunning {
            Self.deliver(process.processIdentifier, SIGINT)
            let deadline = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { Self.deliver(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts `path` (as the `postgres` user when we are root) with output appended to `log`.
    private static func launch(_ path: String, _ arguments: [String], log: String?) throws -> Process {
        let process = Process()
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        if let log {
            if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            try? handle.close()
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        return process
    }

    private static func run(_ path: String, _ arguments: [String], log: String? = nil) throws {
        let process: Process
        if path == "/bin/chown" {
            process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            try process.run()
        } else {
            process = try launch(path, arguments, log: log)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let tail = log.flatMap { FileManager.default.contents(atPath: $0) }.map { String(decoding: $0.suffix(2000), as: UTF8.self) } ?? ""
            throw PostgresProcessError(description: "\(path) \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)\n\(tail)")
        }
    }

    private static func deliver(_ pid: Int32, _ signal: Int32) {
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #else
        _ = Darwin.kill(pid, signal)
        #endif
    }
}
