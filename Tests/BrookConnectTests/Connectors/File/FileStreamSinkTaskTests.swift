@testable import BrookConnect
import Foundation
import XCTest

/// FileStreamSinkTask: Java's text of each value, one line per record, appended.
final class FileStreamSinkTaskTests: XCTestCase {
    func testValuesAreAppendedAsJavaTextLines() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("file-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("out.txt")
        try Data("kept\n".utf8).write(to: file)

        let schema = try ConnectSchema.struct(name: "point", [("a", .int32), ("b", .optionalString), ("c", .optionalString)])
        let point = try ConnectStruct(schema: schema).putting("a", .int32(1)).putting("b", .string("x"))
        let values: [ConnectValue] = [
            .string("plain"), .struct(point), .stringMap([("k", .int64(2)), ("m", .boolean(true))]),
            .array([.string("a"), .string("b")]), .null, .float64(1e7), .int8(-3),
        ]
        let task = FileStreamSinkTask()
        try await task.start(config: ["file": file.path], context: FakeSinkTaskContext())
        try await task.put(values.map { ConnectRecord(topic: "t", value: $0) })
        try await task.flush()
        try await task.put([ConnectRecord(topic: "t", value: .string("last"))])
        await task.stop()

        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertEqual(text, "kept\nplain\nStruct{a=1,b=x}\n{k=2, m=true}\n[a, b]\nnull\n1.0E7\n-3\nlast\n")
    }

    func testAFileThatCannotBeCreatedFailsTheStart() async throws {
        let task = FileStreamSinkTask()
        do {
            try await task.start(config: ["file": "/nonexistent-dir-\(UUID().uuidString)/out.txt"], context: FakeSinkTaskContext())
            XCTFail("no error")
        } catch {
            XCTAssertTrue("\(error)".hasPrefix("Couldn't find or create file '/nonexistent-dir-"), "\(error)")
        }
    }
}
