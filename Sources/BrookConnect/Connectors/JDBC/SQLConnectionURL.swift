/// A SQL connector's `connection.url`, in the forms Brook accepts: `jdbc:postgresql://host[:port]/db`,
/// `postgres[ql]://[user[:password]@]host[:port]/db`, `jdbc:sqlite:<path>`, `sqlite://<path>`
/// (`sqlite:///abs/path`), `sqlite:<path>`, or a plain file path for SQLite. Sans-IO.
public enum SQLConnectionURL: Sendable, Hashable {
    case postgres(host: String, port: Int, database: String, user: String?, password: String?)
    case sqlite(path: String)

    public init(_ text: String) throws(SQLConnectorError) {
        let url = text.trimmingCharacters(in: " \t")
        func invalid(_ reason: String) -> SQLConnectorError { .config("connection.url", text, reason) }
        for prefix in ["jdbc:sqlite:", "sqlite:"] where url.lowercased().hasPrefix(prefix) {
            var path = String(url.dropFirst(prefix.count))
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty else { throw invalid("no SQLite database path") }
            self = .sqlite(path: path)
            return
        }
        var rest: Substring
        if let scheme = ["jdbc:postgresql://", "postgresql://", "postgres://"].first(where: { url.lowercased().hasPrefix($0) }) {
            rest = url.dropFirst(scheme.count)
        } else if !url.contains("://"), !url.isEmpty, !url.hasPrefix("jdbc:") {
            self = .sqlite(path: url)
            return
        } else {
            throw invalid("expected jdbc:postgresql://host:port/db, postgres://user:password@host:port/db, sqlite:///path or a file path")
        }
        var parameters: [String: String] = [:]
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                parameters[percentDecoded(parts[0])] = parts.count > 1 ? percentDecoded(parts[1]) : ""
            }
            rest = rest[..<question]
        }
        var user = parameters["user"], password = parameters["password"]
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = credentials.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            user = percentDecoded(parts[0])
            if parts.count > 1 { password = percentDecoded(parts[1]) }
        }
        let hostPort: Substring, database: Substring
        if let slash = rest.firstIndex(of: "/") {
            hostPort = rest[..<slash]
            database = rest[rest.index(after: slash)...]
        } else {
            hostPort = rest
            database = ""
        }
        var host = String(hostPort), port = 5432
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            guard let parsed = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw invalid("the port is not a number from 1 to 65535")
            }
            port = parsed
            host = String(hostPort[..<colon])
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw invalid("no host") }
        self = .postgres(host: host, port: port, database: database.isEmpty ? "postgres" : percentDecoded(database),
                         user: user, password: password)
    }
}

/// `%XX` escapes decoded; malformed escapes are kept as written.
private func percentDecoded(_ text: Substring) -> String {
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    var i = 0
    while i < bytes.count {
        if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
           let value = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
            out.append(value)
            i += 3
        } else {
            out.append(bytes[i])
            i += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}
