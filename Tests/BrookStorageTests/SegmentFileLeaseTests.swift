#if canImport(Glibc)
import Glibc
#endif
@testable import BrookStorage
import Foundation
import NIOCore
import XCTest

/// Zero-copy reads share the segment's one descriptor instead of a `dup` each, and keep it open
/// until the last of them is released, even past the segment's deletion.
final class SegmentFileLeaseTests: XCTestCase {
    private var dir: TemporaryDirectory!

    override func setUpWithError() throws { dir = try TemporaryDirectory() }
    override func tearDown() { dir.cleanup() }

    private func openDescriptors() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }

    /// One batch per segment.
    private func makeLog(batches: Int) throws -> PartitionLog {
        var config = LogConfig()
        config.segmentBytes = makeBatch(valueSize: 100).readableBytes + 10
        let log = try PartitionLog(directory: dir.path + "/t-0", topicPartition: TopicPartition(topic: "t", partition: 0),
                                   config: config, recoveryPoint: 0, logStartOffset: nil, cleanShutdown: false, now: 0)
        for i in 0..<batches {
            _ = try log.append(batches: [makeBatch(valueSize: 100, timestamp: Int64(i + 1))], leaderEpoch: 0, now: 0)
            log.highWatermark = log.logEndOffset
        }
        return log
    }

    private func descriptor(of slice: LogSlice) throws -> Int32 {
        try slice.file.fileHandle.withUnsafeFileDescriptor { $0 }
    }

    func testManySlicesOfOneSegmentShareOneDescriptor() throws {
        let log = try makeLog(batches: 1)
        let before = try openDescriptors()
        let slices = try (0..<500).map { _ in
            try XCTUnwrap(try log.slice(from: 0, maxBytes: 1 << 20, upTo: log.logEndOffset, minOneBatch: true))
        }
        XCTAssertLessThan(try openDescriptors() - before, 5)
        XCTAssertEqual(Set(try slices.map(descriptor)).count, 1)
        for slice in slices { slice.file.release() }
        try log.close()
    }

    func testSliceOutlivesItsDeletedSegmentAndTheLastReleaseClosesIt() throws {
        let log = try makeLog(batches: 3)
        let slice = try XCTUnwrap(try log.slice(from: 0, maxBytes: 1 << 20, upTo: log.logEndOffset, minOneBatch: true))
        let fd = try descriptor(of: slice)
        XCTAssertEqual(try log.advanceLogStartOffset(to: 2), 2, "the sliced segment is deleted")
        try PartitionLog.removeRetiredFiles(log.takeRetiredFiles())
        var bytes = [UInt8](repeating: 0, count: slice.length)
        XCTAssertEqual(pread(fd, &bytes, slice.length, off_t(slice.position)), slice.length)
        // The stored batch: offset 0, and from the magic byte on exactly what was appended.
        let appended = Array(makeBatch(valueSize: 100, timestamp: 1).readableBytesView)
        XCTAssertEqual(ByteBuffer(bytes: bytes).getInteger(at: 0, as: Int64.self), 0)
        XCTAssertEqual(Array(bytes[16...]), Array(appended[16...]))
        slice.file.release()
        slice.file.release()  // a second release changes nothing
        errno = 0
        XCTAssertEqual(fcntl(fd, F_GETFD), -1, "the last holder closes the descriptor")
        XCTAssertEqual(errno, EBADF)
        try log.close()
    }
}
