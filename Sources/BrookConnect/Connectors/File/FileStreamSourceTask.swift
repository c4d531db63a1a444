import BrookSchemas
import Foundation
import Logging

/// Reads a file line by line into records, as Kafka's `FileStreamSourceTask` does: one record per
/// line (value schema STRING, no key) to `topic`, at most `batch.size` per poll, source partition
/// `{"filename": file}` and offset `{"position": byte offset after the line}`. It resumes from the
/// committed position, waits for a file that does not exist yet, waits at the end of the file for
/// more lines, and starts again from the beginning when the file shrank (truncated or replaced).
/// Standard input is not read: in a server it is not the user's terminal (the plugin's check
/// requires `file`).
public actor FileStreamSourceTask: SourceTask {
    /// Bytes read from the file per `read` call.
    static let chunkSize = 64 * 1024
    /// How long an empty poll waits (Kafka's task waits one second).
    static let idleWait: Duration = .seconds(1)

    private var filename = ""
    private var topic = ""
    private var batchSize = 2000
    private var context: (any SourceTaskContext)?
    private var handle: FileHandle?
    private var splitter = FileLineSplitter()
    /// The file offset the next read starts at (splitter.position plus what it buffers).
    private var readPosition: Int64 = 0
    private let pause = PollPause()
    private let logger: Logger

    public init(logger: Logger = Logger(label: "brook.connect.file-source")) {
        self.logger = logger
    }

    public func start(config: [String: String], context: any SourceTaskContext) async throws {
        let reader = ConnectConfigReader(config)
        guard let file = config["file"], !file.isEmpty else { throw FileStreamConfig.stdinUnsupported }
        filename = file
        topic = try reader.requiredString("topic").trimmingASCIISpaces
        batchSize = Int(try reader.int("batch.size", default: 2000))
        guard batchSize > 0 else { throw reader.invalid("batch.size", String(batchSize), "Value must be at least 1") }
        self.context = context
    }

    /// The source partition of every record of `file`.
    static func sourcePartition(file: String) -> JSONValue { .object([("filename", .string(file))]) }

    public func poll() async throws -> [SourceRecord] {
        guard !pause.isStopped else { return [] }
        if handle == nil {
            guard try await open() else {
                await pause.wait(Self.idleWait)
                return []
            }
        }
        var records: [SourceRecord] = []
        let partition = Self.sourcePartition(file: filename)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        func take() {
            while records.count < batchSize, let (line, end) = splitter.nextLine() {
                records.append(SourceRecord(
                    record: ConnectRecord(topic: topic, valueSchema: .string, value: .string(line), timestamp: now),
                    sourcePartition: partition, sourceOffset: .object([("position", JSONValue(integer: end))])))
            }
        }
        take()
        while records.count < batchSize, let handle {
            let chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            if chunk.isEmpty {
                if reopenIfTruncated() { continue }
                break
            }
            readPosition += Int64(chunk.count)
            splitter.append(chunk)
            take()
        }
        if records.isEmpty { await pause.wait(Self.idleWait) }
        return records
    }

    public func stop() async {
        pause.stop()
        try? handle?.close()
        handle = nil
    }

    /// Opens the file at the committed position; false when it does not exist yet.
    private func open() async throws -> Bool {
        guard FileManager.default.fileExists(atPath: filename) else {
            logger.warning("Couldn't find file \(filename) for FileStreamSourceTask, sleeping to wait for it to be created")
            return false
        }
        let opened: FileHandle
        do {
            opened = try FileHandle(forReadingFrom: URL(fileURLWithPath: filename))
        } catch {
            throw FileStreamConfig.Failure("Error while trying to open file \(filename): \(error)")
        }
        var position: Int64 = 0
        if let offset = try await context?.offset(for: Self.sourcePartition(file: filename)),
           let recorded = offset["position"], recorded != .null {
            guard recorded.isIntegerLiteral, let value = recorded.int64Value, value >= 0 else {
                try? opened.close()
                throw FileStreamConfig.Failure("Offset position is the incorrect type")
            }
            position = value
        }
        if position > fileSize() ?? 0 {
            logger.info("\(filename) is shorter than the committed position \(position): reading it again from the start")
            position = 0
        }
        do {
            try opened.seek(toOffset: UInt64(position))
        } catch {
            try? opened.close()
            throw FileStreamConfig.Failure("Error while trying to seek to previous offset in file \(filename): \(error)")
        }
        handle = opened
        readPosition = position
        splitter.reset(to: position)
        return true
    }

    /// At the end of the file: a file now shorter than what was read was truncated (or replaced by
    /// a shorter one), so reading starts again at its beginning. True when it was.
    private func reopenIfTruncated() -> Bool {
        guard let size = fileSize(), size < readPosition else { return false }
        logger.info("\(filename) was truncated to \(size) bytes (read up to \(readPosition)): reading it again from the start")
        try? handle?.close()
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: filename))
        } catch {
            handle = nil
            return false  // gone for now: the next poll waits for it
        }
        readPosition = 0
        splitter.reset(to: 0)
        return true
    }

    private func fileSize() -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: filename))?[.size].flatMap { ($0 as? NSNumber)?.int64Value }
    }
}
