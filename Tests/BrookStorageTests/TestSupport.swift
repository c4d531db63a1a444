import BrookRecords
@testable import BrookStorage
import Foundation
import NIOCore
import XCTest

/// A fresh directory under the system temp dir, removed by `cleanup()`.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "brook-storage-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func cleanup() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

func writeVarint(_ value: Int64, into buffer: inout ByteBuffer) {
    var zigzag = UInt64(bitPattern: (value << 1) ^ (value >> 63))
    while zigzag >= 0x80 {
        buffer.writeInteger(UInt8(zigzag & 0x7F | 0x80))
        zigzag >>= 7
    }
    buffer.writeInteger(UInt8(zigzag))
}

/// A valid RecordBatch v2 with `records` minimal uncompressed records and a correct CRC32C.
func makeBatch(records: Int = 1, valueSize: Int = 8, timestamp: Int64 = 1_000, baseOffset: Int64 = 0,
               fill: UInt8 = 0x61) -> ByteBuffer {
    var body = ByteBuffer()
    for i in 0..<records {
        var record = ByteBuffer()
        record.writeInteger(Int8(0))
        writeVarint(0, into: &record)
        writeVarint(Int64(i), into: &record)
        writeVarint(-1, into: &record)
        writeVarint(Int64(valueSize), into: &record)
        record.writeRepeatingByte(fill, count: valueSize)
        writeVarint(0, into: &record)
        writeVarint(Int64(record.readableBytes), into: &body)
        body.writeBuffer(&record)
    }
    let header = RecordBatchHeader(
        baseOffset: baseOffset, batchLength: Int32(RecordBatchHeader.size - RecordBatchHeader.logOverhead + body.readableBytes),
        lastOffsetDelta: Int32(records - 1), baseTimestamp: timestamp, maxTimestamp: timestamp,
        recordCount: Int32(records))
    var buffer = ByteBuffer()
    header.write(into: &buffer)
    buffer.writeBuffer(&body)
    let crc = buffer.withUnsafeReadableBytes {
        CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[RecordBatchHeader.attributesPosition...]))
    }
    buffer.setInteger(crc, at: RecordBatchHeader.crcPosition)
    return buffer
}

/// (baseOffset, lastOffset, leaderEpoch) of each whole batch in `buffer`, checking every CRC.
func batchOffsets(_ buffer: ByteBuffer, file: StaticString = #filePath, line: UInt = #line)
    -> [(base: Int64, last: Int64, epoch: Int32)] {
    var result: [(Int64, Int64, Int32)] = []
    var view = buffer
    while let header = RecordBatchHeader(peekingAt: view), view.readableBytes >= header.totalSize {
        let batch = view.readSlice(length: header.totalSize)!
        let crc = batch.withUnsafeReadableBytes {
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[RecordBatchHeader.attributesPosition...]))
        }
        XCTAssertEqual(crc, header.crc, "CRC of batch at \(header.baseOffset)", file: file, line: line)
        result.append((header.baseOffset, header.lastOffset, header.partitionLeaderEpoch))
    }
    XCTAssertEqual(view.readableBytes, 0, "trailing partial batch", file: file, line: line)
    return result
}

let testTopicPartition = TopicPartition(topic: "orders", partition: 0)

func openLog(_ directory: String, config: LogConfig = LogConfig(), recoveryPoint: Int64 = 0,
             logStartOffset: Int64? = nil, clean: Bool = false, now: Int64 = 0) throws -> PartitionLog {
    try PartitionLog(directory: directory, topicPartition: testTopicPartition, config: config,
                     recoveryPoint: recoveryPoint, logStartOffset: logStartOffset, cleanShutdown: clean,
                     now: now)
}

/// Every batch of the log from its start, read in small steps.
func readAll(_ log: PartitionLog, file: StaticString = #filePath, line: UInt = #line) throws
    -> [(base: Int64, last: Int64, epoch: Int32)] {
    var result: [(base: Int64, last: Int64, epoch: Int32)] = []
    var offset = log.logStartOffset
    while offset < log.logEndOffset {
        let read = try log.read(from: offset, maxBytes: 1, upTo: log.logEndOffset, minOneBatch: true)
        let batches = batchOffsets(read.records, file: file, line: line)
        guard let last = batches.last else {
            XCTFail("no progress at \(offset)", file: file, line: line)
            break
        }
        result += batches
        offset = last.last + 1
    }
    return result
}

func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
}

func truncateFile(_ path: String, to size: Int) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
}

func appendToFile(_ path: String, _ bytes: [UInt8]) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(bytes))
    try handle.close()
}

func patchFile(_ path: String, at offset: Int, _ transform: (UInt8) -> UInt8) throws {
    var data = try Data(contentsOf: URL(fileURLWithPath: path))
    data[offset] = transform(data[offset])
    try data.write(to: URL(fileURLWithPath: path))
}

func segmentFiles(_ directory: String, suffix: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(suffix) }.sorted()
        .map { directory + "/" + $0 }
}
