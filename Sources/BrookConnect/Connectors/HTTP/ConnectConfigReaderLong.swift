extension ConnectConfigReader {
    /// LONG with a lower bound (Kafka's `Type.LONG` with `Range.atLeast`), trimmed.
    func long(_ key: String, default fallback: Int64, minimum: Int64) throws(ConnectConfigError) -> Int64 {
        guard let raw = string(key) else { return fallback }
        guard let value = Int64(raw.trimmingASCIISpaces) else { throw invalid(key, raw, "Not a number of type LONG") }
        guard value >= minimum else { throw invalid(key, raw, "Value must be at least \(minimum)") }
        return value
    }
}
