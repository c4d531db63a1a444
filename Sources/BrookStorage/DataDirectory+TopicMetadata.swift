/// Per-topic metadata kept as `<dataDir>/__brook_topics/<topic>.properties` (`key=value` lines,
/// backslash escapes for `\`, newline, carriage return and `=` in keys), written atomically.
extension DataDirectory {
    var topicMetadataDirectory: String { path + "/__brook_topics" }

    /// Replaces the metadata of topic `name`.
    public func saveTopicMetadata(_ name: String, _ data: [String: String]) throws {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw StorageError.corruptCheckpoint("invalid topic name '\(name)'")
        }
        try FileSystem.makeDirectories(topicMetadataDirectory)
        var text = ""
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            text += Self.escape(key, isKey: true) + "=" + Self.escape(value, isKey: false) + "\n"
        }
        try FileSystem.writeAtomically(topicMetadataDirectory + "/" + name + ".properties", Array(text.utf8))
    }

    /// Removes the metadata of topic `name` (no error if absent).
    public func deleteTopicMetadata(_ name: String) throws {
        try FileSystem.remove(topicMetadataDirectory + "/" + name + ".properties")
    }

    /// All saved topics' metadata by topic name.
    public func loadTopicMetadata() throws -> [String: [String: String]] {
        guard FileSystem.isDirectory(topicMetadataDirectory) else { return [:] }
        var result: [String: [String: String]] = [:]
        for file in try FileSystem.list(topicMetadataDirectory) where file.hasSuffix(".properties") {
            let path = topicMetadataDirectory + "/" + file
            guard let bytes = try FileSystem.readAll(path) else { continue }
            var data: [String: String] = [:]
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.isEmpty {
                guard let (key, value) = Self.splitProperty(line) else {
                    throw StorageError.corruptCheckpoint("\(path): malformed line '\(line)'")
                }
                data[key] = value
            }
            result[String(file.dropLast(".properties".count))] = data
        }
        return result
    }

    static func escape(_ text: String, isKey: Bool) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "=" where isKey: out += "\\="
            default: out.append(character)
            }
        }
        return out
    }

    /// Splits at the first unescaped `=` and unescapes both sides.
    static func splitProperty(_ line: Substring) -> (String, String)? {
        var key = ""
        var value = ""
        var inValue = false
        var escaped = false
        for character in line {
            if escaped {
                let plain: Character = character == "n" ? "\n" : character == "r" ? "\r" : character
                if inValue { value.append(plain) } else { key.append(plain) }
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "=" && !inValue {
                inValue = true
            } else if inValue {
                value.append(character)
            } else {
                key.append(character)
            }
        }
        return inValue && !escaped ? (key, value) : nil
    }
}
