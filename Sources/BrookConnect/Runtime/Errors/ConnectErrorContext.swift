import BrookClient

/// One failure of a record at a stage (Kafka's `ProcessingContext` at the moment it is reported):
/// what the error reporters (log, dead letter queue) describe.
public struct ConnectErrorContext: Sendable {
    /// The consumed record a sink failed on, exactly as read (the dead letter queue gets these bytes).
    public struct ConsumedRecord: Sendable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        /// -1 when the record has none (Kafka's NO_TIMESTAMP).
        public var timestamp: Int64
        public var timestampType: String?
        public var key: [UInt8]?
        public var value: [UInt8]?
        public var headers: [(key: String, value: [UInt8]?)]

        public init(topic: String, partition: Int32, offset: Int64, timestamp: Int64, timestampType: String? = "CreateTime",
                    key: [UInt8]?, value: [UInt8]?, headers: [(key: String, value: [UInt8]?)] = []) {
            self.topic = topic
            self.partition = partition
            self.offset = offset
            self.timestamp = timestamp
            self.timestampType = timestampType
            self.key = key
            self.value = value
            self.headers = headers
        }
    }

    /// The record as the task first saw it.
    public enum Original: Sendable {
        case consumed(ConsumedRecord)
        /// A source record, described for the log (`SourceRecord.toString` in Kafka).
        case source(String)
        case none
    }

    public var task: ConnectTaskID
    public var stage: ConnectErrorStage
    /// The class that was running (e.g. `org.apache.kafka.connect.json.JsonConverter`).
    public var executingClass: String
    public var errorClass: String
    public var errorMessage: String?
    public var original: Original

    public init(task: ConnectTaskID, stage: ConnectErrorStage, executingClass: String, error: any Error, original: Original) {
        self.task = task
        self.stage = stage
        self.executingClass = executingClass
        self.errorClass = Self.className(of: error)
        self.errorMessage = Self.message(of: error)
        self.original = original
    }

    /// Kafka's exception class for Brook's errors that have one, else the Swift type's name.
    static func className(of error: any Error) -> String {
        switch error {
        case is ConnectDataError: "org.apache.kafka.connect.errors.DataException"
        case is RetriableConnectError: "org.apache.kafka.connect.errors.RetriableException"
        case is ConnectConfigError: "org.apache.kafka.common.config.ConfigException"
        case is ConnectTaskFailure: "org.apache.kafka.connect.errors.ConnectException"
        default: String(reflecting: type(of: error))
        }
    }

    static func message(of error: any Error) -> String? {
        let text = String(describing: error)
        return text.isEmpty ? nil : text
    }

    /// The dead letter queue's context headers, in Kafka's order and encoding
    /// (`DeadLetterQueueReporter.populateContextHeaders`): UTF-8 strings, numbers as decimal text.
    /// Swift errors carry no stack, so the "stack trace" is Java's first line: `<class>: <message>`.
    public var deadLetterQueueHeaders: [(key: String, value: [UInt8]?)] {
        let prefix = "__connect.errors."
        var headers: [(key: String, value: [UInt8]?)] = []
        if case .consumed(let record) = original {
            headers.append((prefix + "topic", Array(record.topic.utf8)))
            headers.append((prefix + "partition", Array(String(record.partition).utf8)))
            headers.append((prefix + "offset", Array(String(record.offset).utf8)))
        }
        headers.append((prefix + "connector.name", Array(task.connector.utf8)))
        headers.append((prefix + "task.id", Array(String(task.task).utf8)))
        headers.append((prefix + "stage", Array(stage.rawValue.utf8)))
        headers.append((prefix + "class.name", Array(executingClass.utf8)))
        headers.append((prefix + "exception.class.name", Array(errorClass.utf8)))
        headers.append((prefix + "exception.message", errorMessage.map { Array($0.utf8) }))
        headers.append((prefix + "exception.stacktrace", Array((errorClass + (errorMessage.map { ": " + $0 } ?? "")).utf8)))
        return headers
    }

    /// LogReporter's line: `Error encountered in task <c>-<t>. Executing stage '<S>' with class '<C>'[, where …].`
    public func logMessage(includeRecord: Bool) -> String {
        var text = "Error encountered in task \(task). Executing stage '\(stage.rawValue)' with class '\(executingClass)'"
        if includeRecord {
            switch original {
            case .consumed(let record):
                text += ", where consumed record is {topic='\(record.topic)', partition=\(record.partition), offset=\(record.offset)"
                if let type = record.timestampType, record.timestamp >= 0 {
                    text += ", timestamp=\(record.timestamp), timestampType=\(type)"
                }
                text += "}"
            case .source(let description):
                text += ", where source record is = \(description)"
            case .none:
                break
            }
        }
        return text + "."
    }
}

/// Why a task stopped with FAILED: the message (Kafka's ConnectException text) and what caused it;
/// `trace` is what the task's status shows.
public struct ConnectTaskFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var stage: ConnectErrorStage?
    public var cause: String?

    public init(_ message: String, stage: ConnectErrorStage? = nil, cause: (any Error)? = nil) {
        self.message = message
        self.stage = stage
        self.cause = cause.map { "\(ConnectErrorContext.className(of: $0)): \($0)" }
    }

    public var description: String { message }

    /// The status trace: Kafka's shape (`ConnectException: message` then `Caused by: …`) with the stage.
    public var trace: String {
        var text = "org.apache.kafka.connect.errors.ConnectException: \(message)"
        if let stage { text += "\n\tat stage \(stage.rawValue)" }
        if let cause { text += "\nCaused by: \(cause)" }
        return text
    }
}
