import BrookRecords

/// The `error_message` of a Produce partition response for a batch that failed validation. A
/// too-large batch says its size and the limit it broke, as Kafka does, so a client can tell the
/// topic's `max.message.bytes` from its own `max.request.size`.
enum ProduceErrorText {
    static func message(for error: RecordValidationError, maxMessageBytes: Int) -> String {
        switch error {
        case .tooLarge(let size):
            return "record batch of \(size) bytes exceeds the topic's max.message.bytes (\(maxMessageBytes))"
        default:
            return "\(error)"
        }
    }
}
