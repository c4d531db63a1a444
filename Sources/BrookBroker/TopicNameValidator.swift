/// Kafka's topic name rules: 1–249 characters of [a-zA-Z0-9._-], not "." or "..".
public enum TopicNameValidator {
    public static let maxLength = 249

    /// Nil when valid, otherwise the reason (Kafka's wording where it has one).
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "Topic name is illegal, it can't be empty" }
        if name == "." || name == ".." { return "Topic name cannot be \".\" or \"..\"" }
        if name.utf8.count > maxLength {
            return "Topic name is illegal, it can't be longer than \(maxLength) characters, topic name: \(name)"
        }
        for byte in name.utf8 {
            let ok = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
            if !ok {
                return "Topic name \(name) is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
            }
        }
        return nil
    }

    /// Kafka treats '.' and '_' as colliding in metric names.
    public static func collisionKey(_ name: String) -> String {
        name.replacingOccurrences(of: ".", with: "_")
    }
}
