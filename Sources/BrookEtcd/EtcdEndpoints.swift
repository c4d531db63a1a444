import Foundation

/// One etcd client URL's host and port.
public struct EtcdEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Parses Brook's `--metadata etcd://HOST:PORT[,HOST:PORT...]` into endpoints.
public enum EtcdEndpoints {
    /// Accepts `etcd://h1:2379,h2:2379` (the scheme may be left out; IPv6 hosts in brackets).
    public static func parse(_ text: String) throws -> [EtcdEndpoint] {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if let schemeEnd = rest.range(of: "://") {
            let scheme = rest[..<schemeEnd.lowerBound]
            guard scheme == "etcd" else {
                throw EtcdError.invalidEndpoints("unsupported scheme '\(scheme)' in '\(text)' (expected etcd://HOST:PORT[,HOST:PORT...])")
            }
            rest = rest[schemeEnd.upperBound...]
        }
        guard !rest.isEmpty else {
            throw EtcdError.invalidEndpoints("no endpoints in '\(text)' (expected etcd://HOST:PORT[,HOST:PORT...])")
        }
        var endpoints: [EtcdEndpoint] = []
        for item in rest.split(separator: ",", omittingEmptySubsequences: false) {
            let endpoint = try parseOne(item.trimmingCharacters(in: .whitespaces), in: text)
            if !endpoints.contains(endpoint) { endpoints.append(endpoint) }
        }
        return endpoints
    }

    private static func parseOne(_ item: String, in text: String) throws -> EtcdEndpoint {
        let host: Substring
        let portText: Substring
        if item.hasPrefix("[") {
            guard let close = item.firstIndex(of: "]"), item[item.index(after: close)...].hasPrefix(":") else {
                throw EtcdError.invalidEndpoints("'\(item)' in '\(text)' is not [IPV6]:PORT")
            }
            host = item[item.index(after: item.startIndex)..<close]
            portText = item[item.index(close, offsetBy: 2)...]
        } else {
            guard let colon = item.lastIndex(of: ":"), !item[..<colon].contains(":") else {
                throw EtcdError.invalidEndpoints("'\(item)' in '\(text)' is not HOST:PORT")
            }
            host = item[..<colon]
            portText = item[item.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains(" ") else {
            throw EtcdError.invalidEndpoints("empty or malformed host in '\(item)' of '\(text)'")
        }
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw EtcdError.invalidEndpoints("port '\(portText)' in '\(item)' of '\(text)' is not 1...65535")
        }
        return EtcdEndpoint(host: String(host), port: port)
    }
}
