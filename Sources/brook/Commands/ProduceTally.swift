import BrookClient
import Foundation

/// What became of the lines of one `brook produce` run, shared by the task reading the lines and the
/// task reading delivery reports: how many were written, which failed, and whether to stop reading.
final class ProduceTally: @unchecked Sendable {
    private let lock = NSLock()
    private var written = 0
    private var failures: [(line: Int, error: String)] = []

    var delivered: Int { lock.withLock { written } }
    var failed: Int { lock.withLock { failures.count } }
    /// The first line that failed, by the order failures were learnt.
    var firstFailedLine: Int? { lock.withLock { failures.first?.line } }

    func succeeded() {
        lock.withLock { written += 1 }
    }

    /// Records the failure of `line` and returns the line to print for it.
    func fail(line: Int, _ error: Error) -> String {
        let text = "line \(line): \(CLIError(error).description)"
        lock.withLock { failures.append((line, text)) }
        return text
    }

    /// The closing summary: `produced 3 record(s) to t, 2 failed`.
    func summary(topic: String) -> String {
        lock.withLock {
            "produced \(written) record(s) to \(topic)" + (failures.isEmpty ? "" : ", \(failures.count) failed")
        }
    }

    /// Whether an error raised while handing a line to the producer concerns that line alone (the
    /// next lines may well succeed) rather than the topic or the cluster (every next line would fail too).
    static func concernsTheLineAlone(_ error: Error) -> Bool {
        guard let error = error as? KafkaClientError, case .server(let code, _, _) = error else { return false }
        return code == .messageTooLarge || code == .invalidRecord || code == .recordListTooLarge
    }
}
