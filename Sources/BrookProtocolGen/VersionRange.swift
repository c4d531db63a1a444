/// An inclusive range of API versions as written in a spec ("3+", "0-7", "5", "none").
struct VersionRange: Equatable {
    static let maxVersion = Int(Int16.max)
    static let none = VersionRange(low: 1, high: 0)

    var low: Int
    var high: Int

    var isEmpty: Bool { low > high }

    init(low: Int, high: Int) {
        self.low = low
        self.high = high
    }

    init?(parsing text: String) {
        if text == "none" {
            self = .none
        } else if text.hasSuffix("+"), let low = Int(text.dropLast()) {
            self.init(low: low, high: VersionRange.maxVersion)
        } else if let dash = text.firstIndex(of: "-"),
                  let low = Int(text[..<dash]), let high = Int(text[text.index(after: dash)...]) {
            self.init(low: low, high: high)
        } else if let single = Int(text) {
            self.init(low: single, high: single)
        } else {
            return nil
        }
    }

    func intersection(_ other: VersionRange) -> VersionRange {
        VersionRange(low: max(low, other.low), high: min(high, other.high))
    }

    /// A Swift Bool expression over `version` that is true for versions in `self`, evaluated only for versions in `context`:
    /// "true", "false" or a comparison.
    func condition(within context: VersionRange) -> String {
        let overlap = intersection(context)
        if overlap.isEmpty || context.isEmpty { return "false" }
        if overlap == context { return "true" }
        let needLow = overlap.low > context.low
        let needHigh = overlap.high < context.high
        if needLow && needHigh && overlap.low == overlap.high { return "version == \(overlap.low)" }
        var parts: [String] = []
        if needLow { parts.append("version >= \(overlap.low)") }
        if needHigh { parts.append("version <= \(overlap.high)") }
        return parts.joined(separator: " && ")
    }
}
