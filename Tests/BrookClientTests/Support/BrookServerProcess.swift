import Foundation
import XCTest

/// A real `brook serve` process for integration tests: the binary built at `.build/debug/brook`,
/// a free loopback port, a temporary data directory, bounded start-up and shutdown.
final class BrookServerProcess: @unchecked Sendable {
    let port: Int
    let dataDir: URL
    private let process = Process()
    private let output = OutputCollector()
    /// Set once `stop()` has run (or start-up gave up), so only a death before that is reported.
    private var stopped = false

    var bootstrap: String { "127.0.0.1:\(port)" }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["BROOK_BIN"] { return URL(fileURLWithPath: override) }
        return repositoryRoot.appendingPathComponent(".build/debug/brook")
    }

    /// Starts the broker and waits (at most `timeout` seconds) for its "accepting connections" line.
    init(settings: [String: String] = [:], timeout: TimeInterval = 30) throws {
        let binary = Self.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw XCTSkip("brook binary not built at \(binary.path); run `swift build --product brook` first")
        }
        port = try Self.freePort()
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("brook-client-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        process.executableURL = binary
        var arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data-dir", dataDir.path, "--registry-listen", "none", "--log-level", "warning"]
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) { arguments += ["--set", "\(key)=\(value)"] }
        process.arguments = arguments
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        let collector = output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { collector.append(data) }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        // The log level hides info lines, so readiness is checked by connecting.
        while Date() < deadline {
            if !process.isRunning {
                throw BrookServerError("brook exited early (\(process.terminationStatus)): \(output.text)")
            }
            if Self.canConnect(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stopped = true
        stop()
        throw BrookServerError("brook did not accept connections within \(timeout)s: \(output.text)")
    }

    /// SIGTERM, then SIGKILL after 10 s; removes the data directory.
    func stop() {
        if !stopped && !process.isRunning {
            // brook never exits by itself: it died during the test (a crash prints its backtrace on stderr).
            XCTFail("brook exited by itself (status \(process.terminationStatus)) during the test:\n\(output.text)")
        }
        stopped = true
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dataDir)
    }

    deinit { stop() }

    var log: String { output.text }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrookServerError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw BrookServerError("bind() failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A start-up or shutdown failure of the test broker.
struct BrookServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Thread-safe accumulation of a child's stderr.
final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
