import Logging
import NIOConcurrencyHelpers

/// A log handler that keeps every message with its level and metadata, for tests that check what
/// the storage layer tells the operator.
struct CapturingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    let entries: NIOLockedValueBox<[Entry]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        entries.withLockedValue { $0.append(Entry(level: event.level, message: "\(event.message)", metadata: merged)) }
    }

    /// A logger writing into a fresh box, and the box.
    static func logger() -> (Logger, NIOLockedValueBox<[Entry]>) {
        let box = NIOLockedValueBox<[Entry]>([])
        return (Logger(label: "test", factory: { _ in CapturingLogHandler(entries: box) }), box)
    }
}
