/// What evaluation may need from outside the expression: the time, injected randomness, variables.
/// Nothing here reads a clock or a random source by itself.
public struct EvaluationContext: Sendable {
    /// Milliseconds since the epoch (UNIX_TIMESTAMP() with no argument).
    public var now: Int64
    /// Values for `${name}` (DEFINE), keyed by the name as written.
    public var variables: [String: SQLValue]
    /// RANDOM(): a double in [0, 1).
    public var random: @Sendable () -> Double
    /// UUID(): a version-4 UUID in its 36-character form.
    public var uuid: @Sendable () -> String

    public init(
        now: Int64,
        variables: [String: SQLValue] = [:],
        random: @escaping @Sendable () -> Double = { 0 },
        uuid: @escaping @Sendable () -> String = { "00000000-0000-4000-8000-000000000000" }
    ) {
        self.now = now
        self.variables = variables
        self.random = random
        self.uuid = uuid
    }
}
