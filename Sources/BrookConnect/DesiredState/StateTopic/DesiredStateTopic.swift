/// Naming of the compacted topic that holds a desired-state connector's tracked state. The
/// connector's name is its identity: renaming a connector starts from an empty state (it re-emits
/// everything once), as CocoIndex's target name does.
public enum DesiredStateTopic {
    public static let prefix = "_brook-desired-state-"
    /// Kafka's limit on topic name length.
    static let maximumLength = 249

    /// `_brook-desired-state-<connector>`. Characters a topic name cannot hold become `_`, and then
    /// a hash of the real name is appended so two connectors never share a state topic.
    public static func name(connector: String) -> String {
        var legal = true
        let cleaned = String(connector.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": return Character(scalar)
            default:
                legal = false
                return "_"
            }
        })
        let full = prefix + cleaned
        if legal && full.utf8.count <= maximumLength { return full }
        let suffix = "-" + String(ValueFingerprint(of: Array(connector.utf8)).description.prefix(16))
        return String(full.prefix(maximumLength - suffix.count)) + suffix
    }
}
