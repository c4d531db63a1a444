import BrookProtocol

/// Why a partition's produce is refused: Kafka's error code and message, and for records that
/// break a topic rule `record_errors` (v8+) naming each of them, so a client fails exactly those
/// (librdkafka fails the others of the batch with `_INVALID_DIFFERENT_RECORD`).
struct ProduceRefusal: Error, Sendable, Equatable {
    /// Records named with a message; later ones carry only their index, so a batch of millions of
    /// bad records cannot make the response balloon (the field is nullable; clients fall back to the
    /// partition's message).
    static let maxRecordMessages = 1000

    var code: ErrorCode
    var message: String?
    var recordErrors: [ProduceResponse.BatchIndexAndErrorMessage] = []

    init(_ code: ErrorCode, _ message: String?) {
        self.code = code
        self.message = message
    }

    /// MESSAGE_TOO_LARGE for a batch of `size` bytes over `max.message.bytes`, in Kafka's words.
    static func tooLarge(_ size: Int, partition: String, limit: Int) -> ProduceRefusal {
        ProduceRefusal(.messageTooLarge,
            "The record batch size in the append to \(partition) is \(size) bytes which exceeds the maximum " +
            "configured value of \(limit) (max.message.bytes).")
    }

    /// Nil when `problems` is empty. As Kafka: INVALID_TIMESTAMP when any timestamp is refused,
    /// else INVALID_RECORD with the count and the first three errors.
    init?(_ problems: [RecordProblem]) {
        guard !problems.isEmpty else { return nil }
        recordErrors = problems.enumerated().map { n, problem in
            .init(batchIndex: problem.index, batchIndexErrorMessage: n < Self.maxRecordMessages ? problem.message : nil)
        }
        if problems.contains(where: { $0.rule == .timestampRange || $0.rule == .timestampType }) {
            code = .invalidTimestamp
            message = "One or more records have been rejected due to invalid timestamp"
        } else {
            code = .invalidRecord
            let shown = problems.prefix(3).map { "RecordError(batchIndex=\($0.index), message='\($0.message)')" }
            message = "One or more records have been rejected due to \(problems.count) record errors in total, " +
                "and only showing the first three errors at most: [\(shown.joined(separator: ", "))]"
        }
    }
}
