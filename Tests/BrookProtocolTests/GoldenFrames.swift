import BrookProtocol
import Foundation
import NIOCore
import XCTest

/// One captured frame from Tests/Fixtures/golden: a request or response of an API at a version.
struct GoldenFrame {
    var client: String
    var fileName: String
    var api: ApiKey
    var version: Int16
    var isRequest: Bool
    /// The whole frame, size prefix included.
    var frame: ByteBuffer

    /// The frame without its size prefix.
    var body: ByteBuffer { frame.getSlice(at: frame.readerIndex + 4, length: frame.readableBytes - 4)! }

    /// The body version of a response: Kafka answers an ApiVersions request it does not support in the v0 layout.
    var responseBodyVersion: Int16 {
        api == .apiVersions && version > 3 ? 0 : version
    }
}

/// Loads golden frames; fails the calling test (rather than skipping) when the folder is missing.
enum GoldenFrames {
    static let clients = ["kcat", "confluent", "kafkapython", "aiokafka", "java"]

    static var directory: URL {
        // Tests/BrookProtocolTests/GoldenFrames.swift -> Tests/Fixtures/golden/kafka-3.3.1
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/golden/kafka-3.3.1").standardized
    }

    static func load(file: StaticString = #filePath, line: UInt = #line) throws -> [GoldenFrame] {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: directory.path) else {
            XCTFail("golden folder missing at \(directory.path)", file: file, line: line)
            throw GoldenMissing(path: directory.path)
        }
        var frames: [GoldenFrame] = []
        for client in clients {
            let clientDirectory = directory.appendingPathComponent(client)
            let names = try fileManager.contentsOfDirectory(atPath: clientDirectory.path).filter { $0.hasSuffix(".bin") }.sorted()
            for name in names {
                // c001-0002-Metadata-v4-req.bin
                let parts = name.dropLast(4).split(separator: "-")
                guard parts.count == 5, let version = Int16(parts[3].dropFirst()) else { continue }
                let apiName = parts[2].prefix(1).lowercased() + parts[2].dropFirst()
                guard let api = ApiKey.allCases.first(where: { String(describing: $0) == apiName }) else { continue }
                let data = try Data(contentsOf: clientDirectory.appendingPathComponent(name))
                frames.append(GoldenFrame(
                    client: client, fileName: "\(client)/\(name)", api: api, version: version,
                    isRequest: parts[4] == "req", frame: ByteBuffer(bytes: data)))
            }
        }
        return frames
    }

    /// Frames of generated APIs only.
    static func loadGenerated(file: StaticString = #filePath, line: UInt = #line) throws -> [GoldenFrame] {
        try load(file: file, line: line).filter { GeneratedApis.versions[$0.api] != nil }
    }

    static func find(_ client: String, _ name: String) throws -> GoldenFrame {
        guard let frame = try load().first(where: { $0.fileName == "\(client)/\(name)" }) else {
            throw GoldenMissing(path: name)
        }
        return frame
    }
}

/// Decoding helpers shared by the golden tests.
enum GoldenCodec {
    static func messageType(_ frame: GoldenFrame) -> any KafkaMessage.Type {
        let types = GeneratedApis.messageTypes[frame.api]!
        return frame.isRequest ? types.request : types.response
    }

    /// Decodes the frame's header and body; returns the decoded message and the remaining bytes.
    static func decode(_ frame: GoldenFrame) throws -> (header: Any, message: any KafkaMessage, rest: ByteBuffer) {
        var body = frame.body
        if frame.isRequest {
            let header = try RequestHeader(from: &body, headerVersion: frame.api.requestHeaderVersion(apiVersion: frame.version))
            let message = try messageType(frame).init(from: &body, version: frame.version)
            return (header, message, body)
        }
        let header = try ResponseHeader(from: &body, headerVersion: frame.api.responseHeaderVersion(apiVersion: frame.version))
        let message = try messageType(frame).init(from: &body, version: frame.responseBodyVersion)
        return (header, message, body)
    }

    /// Re-encodes a decoded frame (header + body) without the size prefix.
    static func encode(_ frame: GoldenFrame, header: Any, message: any KafkaMessage) -> ByteBuffer {
        var out = ByteBuffer()
        if let header = header as? RequestHeader {
            header.encode(into: &out, headerVersion: frame.api.requestHeaderVersion(apiVersion: frame.version))
            message.encode(into: &out, version: frame.version)
        } else if let header = header as? ResponseHeader {
            header.encode(into: &out, headerVersion: frame.api.responseHeaderVersion(apiVersion: frame.version))
            message.encode(into: &out, version: frame.responseBodyVersion)
        }
        return out
    }

    /// Where the body starts within `frame.body` (after the header).
    static func headerLength(_ frame: GoldenFrame) throws -> Int {
        var body = frame.body
        let start = body.readableBytes
        if frame.isRequest {
            _ = try RequestHeader(from: &body, headerVersion: frame.api.requestHeaderVersion(apiVersion: frame.version))
        } else {
            _ = try ResponseHeader(from: &body, headerVersion: frame.api.responseHeaderVersion(apiVersion: frame.version))
        }
        return start - body.readableBytes
    }
}

/// Thrown when a golden folder or file is missing.
struct GoldenMissing: Error {
    var path: String
}
