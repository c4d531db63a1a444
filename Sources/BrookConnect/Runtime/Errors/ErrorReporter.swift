import Logging

/// Sends each final failure where the connector's `errors.*` settings say: the log
/// (`errors.log.enable`, Kafka's `LogReporter`) and, for sinks, the dead letter queue.
public struct ErrorReporter: Sendable {
    public var config: ErrorHandlingConfig
    public var deadLetterQueue: DeadLetterQueue?
    public var logger: Logger

    public init(config: ErrorHandlingConfig, deadLetterQueue: DeadLetterQueue?, logger: Logger) {
        self.config = config
        self.deadLetterQueue = deadLetterQueue
        self.logger = logger
    }

    public func report(_ context: ConnectErrorContext) async {
        if config.logEnabled {
            logger.error("\(context.logMessage(includeRecord: config.logIncludeMessages))", metadata: [
                "error": "\(context.errorClass): \(context.errorMessage ?? "")",
            ])
        }
        await deadLetterQueue?.report(context)
    }
}
