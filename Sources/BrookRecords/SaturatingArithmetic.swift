/// Offsets, timestamps and deltas read from the wire or from disk can be anything: arithmetic on them
/// must not trap (Swift's `+` and `-` kill the process on overflow). These clamp to Int64's range
/// instead, which keeps comparisons ordered (a wrapped sum would turn a huge value into a negative one).
extension Int64 {
    /// `self + other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    /// `self - other`, clamped to `Int64.min...Int64.max`.
    @inlinable
    public func saturatingSubtract(_ other: Int64) -> Int64 {
        let (difference, overflow) = subtractingReportingOverflow(other)
        return overflow ? (other < 0 ? .max : .min) : difference
    }
}
