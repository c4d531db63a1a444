/// Why evaluating an expression failed at runtime. ksqlDB logs such a failure to its processing log
/// and yields NULL for the column (or drops the row for a failed WHERE); the executor decides which.
public enum SQLEvaluationError: Error, Sendable, Equatable {
    case unknownColumn(String)
    case unknownVariable(String)
    case unknownFunction(String)
    /// Arguments no signature of the function accepts.
    case invalidArguments(function: String, reason: String)
    /// An operator applied to operand types ksqlDB does not allow (`'a' + 1`).
    case typeMismatch(String)
    /// Integer `/` or `%` by zero (Java's ArithmeticException).
    case divisionByZero
    /// A decimal result that is inexact or does not fit (ksqlDB: "Numeric field overflow", or
    /// BigDecimal's non-terminating expansion; here also beyond 18 unscaled digits).
    case decimalOverflow(String)
    /// CAST of a value that does not convert (`CAST('x' AS INT)`).
    case invalidCast(String)
    /// A function rejected its input (a bad regex, an unparseable timestamp, a bad pattern).
    case functionFailed(function: String, reason: String)
    /// An aggregate or table function called where only scalars evaluate.
    case notScalar(String)
}
