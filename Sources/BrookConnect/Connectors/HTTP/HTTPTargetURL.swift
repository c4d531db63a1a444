/// An `http://host[:port][/path][?query]` URL split into what a connection and a request line need.
/// Only plain HTTP: `https://` is refused with a clear message until Brook has TLS.
struct HTTPTargetURL: Sendable, Hashable {
    var host: String
    var port: Int
    /// The request target: path and query, "/" at least.
    var target: String

    /// Why `text` is not a usable URL (the message for `key`'s config error), nil if it is.
    static func problem(_ text: String) -> String? {
        do {
            _ = try HTTPTargetURL(text)
            return nil
        } catch {
            return error.message
        }
    }

    struct Invalid: Error, Sendable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    init(_ text: String) throws(Invalid) {
        let trimmed = text.trimmingASCIISpaces
        let lower = trimmed.lowercased()
        if lower.hasPrefix("https://") {
            throw Invalid(message: "https:// URLs are not supported yet (Brook has no TLS client); use http://")
        }
        guard lower.hasPrefix("http://") else { throw Invalid(message: "expected an http:// URL, got \"\(text)\"") }
        var rest = Substring(trimmed.dropFirst("http://".count))
        var target = "/"
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            target = rest[slash] == "?" ? "/" + rest[slash...] : String(rest[slash...])
            rest = rest[..<slash]
        }
        guard !rest.contains("@") else { throw Invalid(message: "user information in the URL is not supported") }
        var host = String(rest)
        var port = 80
        if host.hasPrefix("[") {
            // An IPv6 literal: [::1] or [::1]:8080.
            guard let close = host.firstIndex(of: "]") else { throw Invalid(message: "unterminated IPv6 address in \"\(text)\"") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let parsed = Int(after.dropFirst()), (1...65535).contains(parsed) else {
                    throw Invalid(message: "invalid port in \"\(text)\"")
                }
                port = parsed
            } else if !after.isEmpty {
                throw Invalid(message: "invalid host in \"\(text)\"")
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let parsed = Int(host[host.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw Invalid(message: "invalid port in \"\(text)\"")
            }
            port = parsed
            host = String(host[..<colon])
        }
        guard !host.isEmpty else { throw Invalid(message: "no host in \"\(text)\"") }
        guard !target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" || $0 == "#" }) else {
            throw Invalid(message: "the path of \"\(text)\" has spaces, line breaks or a fragment")
        }
        self.host = host
        self.port = port
        self.target = target
    }

    /// `target` with `name=value` added to its query string, both percent-encoded.
    func target(adding name: String, _ value: String) -> String {
        let separator = target.contains("?") ? "&" : "?"
        return target + separator + Self.percentEncoded(name) + "=" + Self.percentEncoded(value)
    }

    /// RFC 3986 query component encoding: unreserved characters as they are, the rest as %XX of
    /// their UTF-8 bytes.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }
}
