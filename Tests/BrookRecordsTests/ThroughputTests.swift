import NIOCore
import XCTest

@testable import BrookRecords

/// Rough throughput of the produce-path checks; prints numbers, asserts only a loose floor so the
/// suite stays stable on a shared machine.
final class ThroughputTests: XCTestCase {
    func testValidationThroughput() throws {
        var builder = RecordBatchBuilder()
        let value = ByteBuffer(repeating: 0x61, count: 100)
        for i in 0..<10_000 { builder.append(key: nil, value: value, timestamp: Int64(i)) }
        let batch = try builder.build()
        let rounds = 20
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<rounds { _ = try BatchValidation.validate(batch, maxBatchSize: 16 << 20) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let mbps = Double(batch.readableBytes * rounds) / seconds / 1e6
        print("validate (uncompressed, 10k records of 100 B): \(Int(mbps)) MB/s")
        XCTAssertGreaterThan(mbps, 5)
    }
}
