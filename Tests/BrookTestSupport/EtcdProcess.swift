import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a test's etcd could not be started.
public struct EtcdProcessError: Error, CustomStringConvertible {
    public var description: String
}

/// A private single-member etcd for tests: `/usr/bin/etcd` on two free loopback ports (client and
/// peer) with a temporary data directory, never the default 2379. `stop()` ends it by pid (SIGTERM,
/// then SIGKILL after a bound) and removes the directory; `kill()`/`restart()` let fault tests take
/// it away and bring it back on the same ports and data. A forgotten instance is killed on deinit.
public final class EtcdProcess: @unchecked Sendable {
    public static let binary = "/usr/bin/etcd"

    public let clientPort: Int
    public let peerPort: Int
    /// Holds `data/` and etcd's `etcd.log` (stdout and stderr).
    public let directory: URL
    /// `127.0.0.1:<clientPort>`, the form `EtcdClient` endpoints take.
    public var endpoint: String { "127.0.0.1:\(clientPort)" }

    private let lock = NSLock()
    private var process: Process?
    private let startupTimeout: TimeInterval

    /// Starts etcd and returns once it answers `/health`; throws (with etcd's log tail) otherwise.
    public init(startupTimeout: TimeInterval = 15) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw EtcdProcessError(description: "\(Self.binary) not found: run scripts/install-deps.sh (it installs etcd-server)")
        }
        let ports = try Self.freeLoopbackPorts(2)
        clientPort = ports[0]
        peerPort = ports[1]
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("brook-etcd-\(UUID().uuidString)")
        self.startupTimeout = startupTimeout
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try start()
        } catch {
            stop()
            throw error
        }
    }

    deinit {
        if let process, process.isRunning {
            Self.deliver(process.processIdentifier, SIGKILL)   // works on a paused process too
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public var isRunning: Bool { lock.withLock { process?.isRunning ?? false } }

    /// Starts etcd again on the same ports and data after `kill()`.
    public func restart() throws {
        try start()
    }

    /// SIGKILL, keeping the data directory (a crash).
    public func kill() {
        terminate(signal: SIGKILL, grace: 0)
    }

    /// SIGSTOP: etcd keeps its sockets but answers nothing (a hung or partitioned member).
    public func pause() {
        signalRunning(SIGSTOP)
    }

    /// SIGCONT after `pause()`.
    public func resume() {
        signalRunning(SIGCONT)
    }

    private func signalRunning(_ signal: Int32) {
        guard let process = lock.withLock({ self.process }), process.isRunning else { return }
        Self.deliver(process.processIdentifier, signal)
    }

    /// SIGTERM, SIGKILL after `grace` seconds, then removes the data directory.
    public func stop(grace: TimeInterval = 5) {
        terminate(signal: SIGTERM, grace: grace)
        try? FileManager.default.removeItem(at: directory)
    }

    /// The last `bytes` of etcd's log, for error messages.
    public func logTail(_ bytes: Int = 2000) -> String {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("etcd.log").path) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    private func start() throws {
        let client = "http://127.0.0.1:\(clientPort)"
        let peer = "http://127.0.0.1:\(peerPort)"
        let logURL = directory.appendingPathComponent("etcd.log")
        if !FileManager.default.fileExists(atPath: logURL.path) {
            _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "--name", "brook-test", "--data-dir", directory.appendingPathComponent("data").path,
            "--listen-client-urls", client, "--advertise-client-urls", client,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "brook-test=\(peer)", "--initial-cluster-state", "new",
            "--logger", "zap", "--log-outputs", "stderr",
        ]
        // Keep a developer's ETCD_* settings out of the test's etcd.
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ETCD") }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        lock.withLock { self.process = process }

        let deadline = Date().addingTimeInterval(startupTimeout)
        while Date() < deadline {
            guard process.isRunning else {
                throw EtcdProcessError(description: "etcd exited with status \(process.terminationStatus) while starting; log tail:\n\(logTail())")
            }
            if Self.isHealthy(port: clientPort) { return }
            Thread.sleep(forTimeInterval: 0.05)   // polling a readiness probe with a deadline
        }
        terminate(signal: SIGKILL, grace: 0)
        throw EtcdProcessError(description: "etcd did not answer /health on port \(clientPort) within \(startupTimeout) s; log tail:\n\(logTail())")
    }

    private func terminate(signal: Int32, grace: TimeInterval) {
        guard let process = lock.withLock({ self.process }) else { return }
        guard process.isRunning else { return }
        Self.deliver(process.processIdentifier, SIGCONT)   // a paused etcd would not act on SIGTERM
        Self.deliver(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if process.isRunning { Self.deliver(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    private static func deliver(_ pid: Int32, _ signal: Int32) {
        #if canImport(Glibc)
        _ = Glibc.kill(pid, signal)
        #else
        _ = Darwin.kill(pid, signal)
        #endif
    }

    /// GET /health over a plain socket with short timeouts; true when etcd says `"health":"true"`.
    static func isHealthy(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return false }
        let request = Array("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { return false }
        var response: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while response.count < 16_384 {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { break }
            response.append(contentsOf: chunk[0..<n])
        }
        let text = String(decoding: response, as: UTF8.self)
        return text.hasPrefix("HTTP/1.1 200") && text.contains("\"health\":\"true\"")
    }

    /// Distinct ports the kernel picked for loopback listeners just now (free at that moment).
    public static func freeLoopbackPorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw EtcdProcessError(description: "socket() failed: errno \(errno)") }
            sockets.append(fd)
            var address = loopback(port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw EtcdProcessError(description: "bind() failed: errno \(errno)") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
