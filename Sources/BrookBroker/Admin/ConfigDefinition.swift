import Foundation

/// One named setting as DescribeConfigs reports it: type, default, the broker property it falls
/// back to, how values are checked, and a line of documentation.
struct ConfigDefinition: Sendable {
    /// Kafka's `ConfigType` codes in DescribeConfigs v3+.
    enum Kind: Int8, Sendable {
        case boolean = 1, string = 2, int = 3, short = 4, long = 5, double = 6, list = 7, `class` = 8, password = 9
    }

    /// How a value is checked before it is accepted.
    enum Rule: Sendable {
        case any
        case intRange(Int64, Int64)
        case doubleRange(Double, Double)
        case oneOf([String])
        case listOf([String])
    }

    let name: String
    let kind: Kind
    /// Kafka's built-in default, as text (nil: no default).
    let defaultValue: String?
    /// The broker property supplying the topic's default (`log.retention.ms` for `retention.ms`).
    let brokerSynonym: String?
    let rule: Rule
    let documentation: String

    init(_ name: String, _ kind: Kind, _ defaultValue: String?, broker brokerSynonym: String?, _ rule: Rule = .any,
         doc: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.brokerSynonym = brokerSynonym
        self.rule = rule
        self.documentation = doc
    }

    /// Nil when `value` is acceptable, otherwise Kafka-style wording of the problem.
    func problem(with value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .boolean:
            if trimmed.lowercased() != "true" && trimmed.lowercased() != "false" {
                return "Invalid value \(value) for configuration \(name): Expected value to be either true or false"
            }
        case .int, .short, .long:
            guard let number = Int64(trimmed),
                  kind != .int || (Int64(Int32.min)...Int64(Int32.max)).contains(number) else {
                return "Invalid value \(value) for configuration \(name): Not a number of type \(kind == .long ? "LONG" : "INT")"
            }
            if case .intRange(let low, let high) = rule, !(low...high).contains(number) {
                return "Invalid value \(value) for configuration \(name): Value must be " +
                    (high == Int64.max || (kind == .int && high == Int64(Int32.max)) ? "at least \(low)" : "in [\(low)...\(high)]")
            }
        case .double:
            guard let number = Double(trimmed) else {
                return "Invalid value \(value) for configuration \(name): Not a number of type DOUBLE"
            }
            if case .doubleRange(let low, let high) = rule, !(low...high).contains(number) {
                return "Invalid value \(value) for configuration \(name): Value must be in [\(low)...\(high)]"
            }
        case .string, .list, .class, .password:
            break
        }
        switch rule {
        case .oneOf(let allowed) where !allowed.contains(trimmed):
            return "Invalid value \(value) for configuration \(name): String must be one of: \(allowed.joined(separator: ", "))"
        case .listOf(let allowed):
            let items = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if items.isEmpty || items.contains(where: { !allowed.contains($0) }) {
                return "Invalid value \(value) for configuration \(name): Invalid value(s) for list; allowed: \(allowed.joined(separator: ", "))"
            }
        default:
            break
        }
        return nil
    }
}
