/// Where in a task's pipeline an error happened (Kafka's `org.apache.kafka.connect.runtime.errors.Stage`);
/// the raw value is what the `__connect.errors.stage` header and the error log carry.
public enum ConnectErrorStage: String, Sendable, Hashable, CaseIterable {
    case taskPoll = "TASK_POLL"
    case taskPut = "TASK_PUT"
    case transformation = "TRANSFORMATION"
    case keyConverter = "KEY_CONVERTER"
    case valueConverter = "VALUE_CONVERTER"
    case headerConverter = "HEADER_CONVERTER"
    case kafkaProduce = "KAFKA_PRODUCE"
    case kafkaConsume = "KAFKA_CONSUME"

    /// Stages whose every error `errors.tolerance=all` may skip (RetryWithToleranceOperator's
    /// TOLERABLE_EXCEPTIONS); elsewhere only retriable errors are handled and the rest fail the task.
    public var toleratesAnyError: Bool {
        switch self {
        case .transformation, .headerConverter, .keyConverter, .valueConverter: true
        case .taskPoll, .taskPut, .kafkaProduce, .kafkaConsume: false
        }
    }
}
