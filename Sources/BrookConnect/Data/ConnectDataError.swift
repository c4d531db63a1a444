/// A data error with Kafka's message text (Connect's `DataException` and `SchemaBuilderException`).
public struct ConnectDataError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
