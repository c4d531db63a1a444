import Logging

extension Logger {
    /// A logger that drops everything; the default when callers (tests, tools) pass none.
    public static var storageNoOp: Logger {
        Logger(label: "brook.storage", factory: { _ in SwiftLogNoOpLogHandler() })
    }
}
