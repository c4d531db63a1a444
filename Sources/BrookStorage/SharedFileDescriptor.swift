#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOConcurrencyHelpers
import NIOCore

/// A descriptor that closes when its last holder lets go. The segment is one holder and every
/// zero-copy read still to be sent is another, so a response can finish sending a segment that
/// retention deleted meanwhile, without costing a descriptor per response.
final class SharedFileDescriptor: Sendable {
    let fd: Int32
    private let holders = NIOLockedValueBox(1)

    init(fd: Int32) {
        self.fd = fd
    }

    /// Adds a holder; false once the descriptor has closed.
    func retain() -> Bool {
        holders.withLockedValue { count in
            guard count > 0 else { return false }
            count += 1
            return true
        }
    }

    /// Drops a holder; the last one closes the descriptor and gets close's result (0 for the others).
    @discardableResult
    func release() -> Int32 {
        let last = holders.withLockedValue { count -> Bool in
            precondition(count > 0, "released a closed descriptor")
            count -= 1
            return count == 0
        }
        return last ? systemClose(fd) : 0
    }
}

/// One zero-copy read's claim on a segment's `.log` descriptor: a file handle for NIO's
/// `FileRegion` that wraps the shared descriptor (no `dup`), valid until `release()`.
public final class SegmentFileLease: Sendable {
    /// Wraps the shared descriptor; never close it, call `release()`.
    public let fileHandle: NIOFileHandle
    private let descriptor: SharedFileDescriptor
    private let released = NIOLockedValueBox(false)

    /// Nil when the descriptor has already closed.
    init?(_ descriptor: SharedFileDescriptor) {
        guard descriptor.retain() else { return nil }
        self.descriptor = descriptor
        self.fileHandle = NIOFileHandle(_deprecatedTakingOwnershipOfDescriptor: descriptor.fd)
    }

    /// Gives the claim back once the bytes are sent or will not be; later calls do nothing.
    public func release() {
        let first = released.withLockedValue { done -> Bool in
            defer { done = true }
            return !done
        }
        guard first else { return }
        // The handle gives the descriptor back instead of closing it: other holders still use it.
        _ = try? fileHandle.takeDescriptorOwnership()
        descriptor.release()
    }

    deinit {
        release()
    }
}
