import BrookClient
import Foundation
import XCTest

/// A `brook serve` process for the desired-state task's tests: the built binary on a free loopback
/// port with a temporary data directory, stopped by its pid (also when a test fails). Skips the
/// test when the binary is not built.
final class DesiredStateBrokerProcess: @unchecked Sendable {
    let port: Int
    let dataDir: URL
    private let process = Process()

    var client: ClientConfig {
        var config = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: port)], clientId: "desired-state-test")
        config.defaultApiTimeout = .seconds(5)
        return config
    }

    static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["BROOK_BIN"] { return URL(fileURLWithPath: override) }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { root.deleteLastPathComponent() }
        return root.appendingPathComponent(".build/debug/brook")
    }

    init() async throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw XCTSkip("brook binary not built at \(Self.binary.path); run `swift build --product brook` first")
        }
        port = try Self.freePort()
        dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("brook-ds-task-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDir, withIntermediateDirectories: true)
        process.executableURL = Self.binary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data-dir", dataDir.path, "--registry-listen", "none",
                             "--log-level", "error"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            guard process.isRunning else { throw XCTSkip("brook serve exited with \(process.terminationStatus)") }
            let cluster = KafkaCluster(config: client)
            let up = (try? await KafkaAdmin(cluster: cluster).describeCluster()) != nil
            await cluster.close()
            if up { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        stop()
        throw XCTSkip("brook serve did not come up on 127.0.0.1:\(port)")
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: dataDir)
    }

    deinit { stop() }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard result == 0 else { throw XCTSkip("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
