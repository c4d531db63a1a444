/// Broker configs changed at runtime (AlterConfigs on a BROKER resource), kept as
/// `<dataDir>/brook-dynamic-broker.properties` in the topic metadata's `key=value` format.
extension DataDirectory {
    var dynamicConfigsPath: String { path + "/brook-dynamic-broker.properties" }

    /// Replaces the stored dynamic broker configs.
    public func saveDynamicBrokerConfigs(_ data: [String: String]) throws {
        var text = ""
        for (key, value) in data.sorted(by: { $0.key < $1.key }) {
            text += Self.escape(key, isKey: true) + "=" + Self.escape(value, isKey: false) + "\n"
        }
        try FileSystem.writeAtomically(dynamicConfigsPath, Array(text.utf8))
    }

    /// The stored dynamic broker configs (empty when none were ever set).
    public func loadDynamicBrokerConfigs() throws -> [String: String] {
        guard let bytes = try FileSystem.readAll(dynamicConfigsPath) else { return [:] }
        var data: [String: String] = [:]
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where !line.isEmpty {
            guard let (key, value) = Self.splitProperty(line) else {
                throw StorageError.corruptCheckpoint("\(dynamicConfigsPath): malformed line '\(line)'")
            }
            data[key] = value
        }
        return data
    }
}
