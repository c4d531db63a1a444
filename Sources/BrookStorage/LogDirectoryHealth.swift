#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers

/// Whether a log directory may still be written. As Kafka does, the first I/O error on the directory
/// (write, fsync, truncate, roll, index write) takes it offline until restart: after a failed fsync
/// Linux may have dropped the dirty pages, so a later fsync that succeeds proves nothing, and an
/// acknowledgement after the hole would be a lie. Every partition of the directory then refuses
/// Produce and Fetch with KAFKA_STORAGE_ERROR.
///
/// Running out of file descriptors (EMFILE, ENFILE) is a resource limit, not damage: that operation
/// fails, the directory stays online.
public final class LogDirectoryHealth: Sendable {
    public let path: String
    private let reason = NIOLockedValueBox<String?>(nil)
    private let logger: Logger

    public init(path: String, logger: Logger = .storageNoOp) {
        self.path = path
        self.logger = logger
    }

    /// Why the directory went offline; nil while it is online.
    public var offlineReason: String? { reason.withLockedValue { $0 } }

    /// The error requests get once the directory is offline; nil while it is online.
    public var offlineError: StorageError? {
        offlineReason.map { StorageError.logDirectoryOffline(path, reason: $0) }
    }

    /// Throws `StorageError.logDirectoryOffline` once the directory is offline.
    public func checkOnline() throws {
        if let error = offlineError { throw error }
    }

    /// Takes the directory offline (once; later calls keep the first reason). Returns whether this
    /// call did it.
    @discardableResult
    public func markOffline(reason newReason: String) -> Bool {
        let first = reason.withLockedValue { current -> Bool in
            guard current == nil else { return false }
            current = newReason
            return true
        }
        if first {
            logger.critical("""
                LOG DIRECTORY OFFLINE after an I/O error: \(newReason). Every partition in it now refuses \
                produce and fetch (KAFKA_STORAGE_ERROR) until the broker is restarted; check the disk first.
                """, metadata: ["brook.dataDir": "\(path)"])
        }
        return first
    }

    /// Runs `body`; an I/O error it throws takes the directory offline before being rethrown.
    public func guarding<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            if Self.isDirectoryFailure(error) { markOffline(reason: "\(error)") }
            throw error
        }
    }

    /// Whether `error` means the directory can no longer be trusted (see the type's comment).
    public static func isDirectoryFailure(_ error: Error) -> Bool {
        guard case StorageError.io(_, let code) = error else { return false }
        return code != EMFILE && code != ENFILE
    }
}
