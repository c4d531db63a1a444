import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends each record's value as a line of text to a file, as Kafka's `FileStreamSinkTask` does
/// (`PrintStream.println(record.value())`): Java's `String.valueOf` of the Connect value
/// (`Struct{a=1,b=x}`, `{k=v}`, `[a, b]`, `null`) and a `\n`. The file is opened for appending
/// (created if missing); `flush()` makes what was written durable (fsync). Without `file` it writes
/// to standard output, as Kafka does.
public actor FileStreamSinkTask: SinkTask {
    private var handle: FileHandle?
    private var filename: String?
    private let logger: Logger

    public init(logger: Logger = Logger(label: "brook.connect.file-sink")) {
        self.logger = logger
    }

    /// The text a record value is written as, terminator included.
    static func line(for value: ConnectValue) -> String {
        JavaText.string(of: value) + "\n"
    }

    public func start(config: [String: String], context: any SinkTaskContext) async throws {
        guard let file = config["file"], !file.isEmpty else {
            handle = FileHandle.standardOutput
            return
        }
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileStreamConfig.Failure("Couldn't find or create file '\(file)' for FileStreamSinkTask: \(String(cString: strerror(errno)))")
        }
        filename = file
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    public func put(_ records: [ConnectRecord]) async throws {
        guard let handle, !records.isEmpty else { return }
        var text = ""
        for record in records { text += Self.line(for: record.value) }
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw FileStreamConfig.Failure("Couldn't write to \(filename ?? "stdout"): \(error)")
        }
    }

    public func flush() async throws {
        guard let handle, filename != nil else { return }
        do {
            try handle.synchronize()
        } catch {
            throw FileStreamConfig.Failure("Couldn't flush \(filename ?? "stdout"): \(error)")
        }
    }

    public func stop() async {
        if filename != nil { try? handle?.close() }
        handle = nil
    }
}
