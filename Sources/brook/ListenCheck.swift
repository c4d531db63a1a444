import Foundation
import NIOCore
import NIOPosix

/// Why `brook serve` cannot listen where it was asked to, as one line naming the address.
struct ListenError: Error, CustomStringConvertible {
    var host: String
    var port: Int
    var reason: String

    var description: String { "cannot listen on \(host.contains(":") ? "[\(host)]" : host):\(port): \(reason)" }

    init(host: String, port: Int, underlying: Error) {
        self.host = host
        self.port = port
        reason = Self.reason(for: underlying)
    }

    /// The failure in words: the system's text for an errno (NIO's own text names the syscall and its
    /// arguments), or what NIO said for anything else.
    static func reason(for error: Error) -> String {
        switch error {
        case let error as IOError:
            let text = String(cString: strerror(error.errnoCode)).lowercased()
            switch error.errnoCode {
            case EACCES: return "\(text) (ports below 1024 need privileges)"
            case EADDRNOTAVAIL: return "\(text) (no such address on this host)"
            default: return text
            }
        case let error as SocketAddressError.UnknownHost:
            return "unknown host (\(error.errorDescription))"
        default:
            return "\(error)"
        }
    }
}

/// Binds the listen address once and lets it go, before anything touches the data directory: a
/// taken port or an unknown host then fails with a clear line and leaves no new data directory behind.
/// The real listener binds a moment later (SO_REUSEADDR, so the closed probe does not hold the port).
enum ListenCheck {
    static func probe(host: String, port: Int, group: EventLoopGroup) async throws {
        let channel: Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
        } catch {
            throw ListenError(host: host, port: port, underlying: error)
        }
        try? await channel.close()
    }
}
