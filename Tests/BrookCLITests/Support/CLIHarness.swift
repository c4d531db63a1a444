import Foundation
import XCTest

/// Runs the built `brook` binary: `brook serve` in the background on a free port with a temporary
/// data directory, and client commands against it with bounded waits.
final class CLIHarness: @unchecked Sendable {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let port: Int
    let dataDir: URL
    private let server = Process()

    var bootstrap: String { "127.0.0.1:\(port)" }

    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["BROOK_BIN"] { return URL(fileURLWithPath: override) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug/brook")
    }

    init(settings: [String: String] = [:]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("brook binary not built at \(Self.binary.path); run `swift build --product brook` first")
        }
        port = try Self.freePort()
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("brook-cli-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        server.executableURL = Self.binary
        server.arguments = ["serve", "--listen", bootstrap, "--data-dir", dataDir.path, "--registry-listen", "none", "--log-level", "error"]
            + settings.sorted { $0.key < $1.key }.flatMap { ["--set", "\($0.key)=\($0.value)"] }
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard server.isRunning else { throw XCTSkip("brook serve exited with \(server.terminationStatus)") }
            // A probe that times out (the listener not bound yet) is retried, not a test failure.
            if (try? run(["cluster", "info"], timeout: 5, failOnTimeout: false).status) == 0 { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        stop()
        XCTFail("brook serve did not come up on \(bootstrap)")
        throw CancellationError()
    }

    /// Runs `brook ARGS -b <this broker>` (unless `withBrokers` is false), feeding `stdin`. A run
    /// longer than `timeout` is killed and, when `failOnTimeout`, fails the test.
    func run(_ arguments: [String], stdin: String? = nil, withBrokers: Bool = true, timeout: TimeInterval = 60,
             failOnTimeout: Bool = true) throws -> Outcome {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + (withBrokers ? ["-b", bootstrap] : [])
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isOut: isOut)
                group.leave()
            }
        }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            process.waitUntilExit()
            if failOnTimeout { XCTFail("brook \(arguments.joined(separator: " ")) did not finish within \(timeout)s") }
        }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr)
    }

    func stop() {
        if server.isRunning {
            server.terminate()
            let deadline = Date().addingTimeInterval(10)
            while server.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if server.isRunning { kill(server.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: dataDir)
    }

    deinit { stop() }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard result == 0 else { throw CancellationError() }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func set(_ data: Data, isOut: Bool) {
        lock.lock()
        if isOut { out = data } else { err = data }
        lock.unlock()
    }

    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }
}
