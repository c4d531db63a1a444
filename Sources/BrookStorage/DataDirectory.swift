import Logging

/// Owns a data directory: the `.lock`, the recovery-point and log-start checkpoints, the clean-shutdown
/// marker and discovery of `<topic>-<partition>` folders.
public final class DataDirectory {
    public let path: String
    /// Whether `.brook_clean_shutdown` was present at start-up (it is removed by `init`).
    public let wasCleanShutdown: Bool
    /// Whether the directory was new (created or empty) at start-up: nothing to recover.
    public let wasNew: Bool
    /// Online until the first I/O error on any of its logs or checkpoints (see `LogDirectoryHealth`).
    public let health: LogDirectoryHealth
    private let lock: DataDirLock
    let logger: Logger
    private var recoveryPoints: [TopicPartition: Int64]
    private var logStartOffsets: [TopicPartition: Int64]
    /// High watermarks as last checkpointed (Kafka's `replication-offset-checkpoint`): a replicated
    /// partition starts from it instead of 0, so consumers and ListOffsets keep seeing committed
    /// data after a restart before the followers have fetched again.
    private var highWatermarks: [TopicPartition: Int64]

    static let cleanShutdownMarker = ".brook_clean_shutdown"
    var recoveryPointFile: OffsetCheckpointFile { Self.recoveryPointFile(in: path) }
    var logStartFile: OffsetCheckpointFile { Self.logStartFile(in: path) }

    static func recoveryPointFile(in path: String) -> OffsetCheckpointFile {
        OffsetCheckpointFile(path: path + "/recovery-point-offset-checkpoint")
    }

    static func logStartFile(in path: String) -> OffsetCheckpointFile {
        OffsetCheckpointFile(path: path + "/log-start-offset-checkpoint")
    }

    var highWatermarkFile: OffsetCheckpointFile { Self.highWatermarkFile(in: path) }

    static func highWatermarkFile(in path: String) -> OffsetCheckpointFile {
        OffsetCheckpointFile(path: path + "/replication-offset-checkpoint")
    }

    /// Creates the directory if needed, takes its lock (`StorageError.dataDirInUse` if held), reads
    /// the checkpoints and consumes the clean-shutdown marker.
    public init(path: String, logger: Logger = .storageNoOp) throws {
        self.path = path
        self.logger = logger
        self.health = LogDirectoryHealth(path: path, logger: logger)
        wasNew = !FileSystem.isDirectory(path) || ((try? FileSystem.list(path)) ?? []).isEmpty
        try FileSystem.makeDirectories(path)
        lock = try DataDirLock(directory: path)
        let marker = path + "/" + Self.cleanShutdownMarker
        wasCleanShutdown = FileSystem.exists(marker)
        recoveryPoints = Self.readTolerantly(Self.recoveryPointFile(in: path), logger: logger,
                                             consequence: "recovering every partition from its first segment")
        logStartOffsets = Self.readTolerantly(Self.logStartFile(in: path), logger: logger,
                                              consequence: "each log starts at its first segment")
        highWatermarks = Self.readTolerantly(Self.highWatermarkFile(in: path), logger: logger,
                                             consequence: "replicated partitions learn their high watermark from the leader again")
        do {
            if wasCleanShutdown {
                try FileSystem.remove(marker)
                try FileSystem.sync(path: path, directory: true)
            }
        } catch {
            lock.unlock()
            throw error
        }
        if wasNew {
            logger.info("new data directory", metadata: ["brook.dataDir": "\(path)"])
        } else {
            logger.info("opened data directory", metadata: [
                "brook.dataDir": "\(path)", "brook.cleanShutdown": "\(wasCleanShutdown)",
            ])
        }
    }

    /// The entries of a data-directory checkpoint, or none when the file is damaged: as Kafka does, a
    /// checkpoint that does not parse is logged and replaced by the safe default (no recovery point
    /// means a full recovery scan; no log start means the first segment's base) instead of stopping
    /// start-up. The next checkpoint write replaces the file.
    static func readTolerantly(_ file: OffsetCheckpointFile, logger: Logger,
                               consequence: String) -> [TopicPartition: Int64] {
        do {
            return try file.read()
        } catch {
            logger.warning("ignoring unreadable checkpoint file; \(consequence)", metadata: [
                "brook.file": "\(file.path)", "error": "\(error)",
            ])
            return [:]
        }
    }

    /// Partitions that have a folder in the data directory, sorted.
    public func existingPartitions() -> [TopicPartition] {
        let names = (try? FileSystem.list(path)) ?? []
        return names.compactMap { name -> TopicPartition? in
            guard let tp = TopicPartition(directoryName: name), FileSystem.isDirectory(path + "/" + name) else {
                return nil
            }
            return tp
        }.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
    }

    /// Opens (creating the folder if missing) the log of `tp` with its checkpointed recovery point
    /// and log start offset. Refused once the directory is offline (no new partitions on it).
    public func openLog(_ tp: TopicPartition, config: LogConfig, now: Int64) throws -> PartitionLog {
        try health.checkOnline()
        return try PartitionLog(
            directory: path + "/" + tp.directoryName, topicPartition: tp, config: config,
            recoveryPoint: recoveryPoints[tp] ?? 0, logStartOffset: logStartOffsets[tp],
            cleanShutdown: wasCleanShutdown, now: now, logger: logger, health: health)
    }

    /// Merges `logs` into the known checkpoints and rewrites both files atomically. Partitions not
    /// named keep their previous entries (see `forgetPartition`).
    /// Refused once the directory is offline; a failed write takes it offline (as Kafka).
    public func writeCheckpoints(_ logs: [TopicPartition: (recoveryPoint: Int64, logStartOffset: Int64)],
                                 highWatermarks watermarks: [TopicPartition: Int64] = [:]) throws {
        try health.checkOnline()
        for (tp, offsets) in logs {
            recoveryPoints[tp] = offsets.recoveryPoint
            logStartOffsets[tp] = offsets.logStartOffset
        }
        for (tp, watermark) in watermarks { highWatermarks[tp] = watermark }
        try health.guarding {
            try recoveryPointFile.write(recoveryPoints)
            try logStartFile.write(logStartOffsets)
            if !watermarks.isEmpty { try highWatermarkFile.write(highWatermarks) }
        }
    }

    /// The high watermark last checkpointed for `tp`, if any.
    public func checkpointedHighWatermark(_ tp: TopicPartition) -> Int64? {
        highWatermarks[tp]
    }

    /// Drops a deleted partition's checkpoint entries (written by the next `writeCheckpoints`).
    public func forgetPartition(_ tp: TopicPartition) {
        recoveryPoints[tp] = nil
        logStartOffsets[tp] = nil
        highWatermarks[tp] = nil
    }

    /// Writes `.brook_clean_shutdown` (fsynced); call after every log is closed. Refused once the
    /// directory is offline: its logs were not flushed, the next start must recover them.
    public func markCleanShutdown() throws {
        try health.checkOnline()
        try FileSystem.writeAtomically(path + "/" + Self.cleanShutdownMarker, [])
    }

    /// Whether `unlock()` was called: nothing may be written any more.
    public private(set) var isReleased = false

    /// Releases the directory lock.
    public func unlock() {
        isReleased = true
        lock.unlock()
    }
}
