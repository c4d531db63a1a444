import ArgumentParser
import BrookClient
import BrookRecords
import Foundation
import NIOCore

/// `brook produce TOPIC`: one record per input line.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce records to a topic, one per line of stdin or a file.",
        discussion: """
            With --key-separator, the text before the first separator is the key. With --tombstone, an \
            empty value is sent as null (a delete marker on compacted topics). Exits 1 if any record failed.
            """
    )

    @OptionGroup var client: ClientOptions
    @Argument(help: "Topic to produce to.") var topic: String
    @Option(name: [.customShort("F"), .long], help: "Read lines from this file instead of stdin.") var file: String?
    @Option(name: [.customShort("K"), .long], help: "Split each line into key and value at the first occurrence of this text.") var keySeparator: String?
    @Option(name: .customShort("H"), help: ArgumentHelp("A header for every record (repeatable).", valueName: "key=value")) var headers: [String] = []
    @Flag(name: [.customShort("Z"), .long], help: "Send empty values as null (tombstones).") var tombstone = false
    @Option(name: [.short, .long], help: "Produce to this partition (default: by key, or sticky for keyless records).") var partition: Int32?
    @Option(name: [.customShort("z"), .long], help: "Compression: none, gzip, snappy, lz4, zstd.") var compression: String?
    @Option(name: .long, help: "Acknowledgements: 0, 1 or all.") var acks: String?
    @Flag(name: [.short, .long], help: "Print topic, partition and offset of each record on stdout.") var verbose = false

    func run() async throws {
        try await runClientCommand {
            var config = try client.producerConfig()
            if let compression {
                guard let codec = CompressionCodec(name: compression) else {
                    throw CLIError.usage("unknown compression '\(compression)' (none, gzip, snappy, lz4, zstd)")
                }
                config.compression = codec
            }
            if let acks { try config.apply(["acks": acks]) }
            let headerList = try headers.map { item -> KafkaHeader in
                guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                    throw CLIError.usage("-H expects key=value, got '\(item)'")
                }
                return KafkaHeader(key: String(item[..<eq]), value: ByteBuffer(string: String(item[item.index(after: eq)...])))
            }
            let input: FileHandle
            if let file {
                guard let handle = FileHandle(forReadingAtPath: file) else { throw CLIError.notFound("cannot read \(file)") }
                input = handle
            } else {
                input = FileHandle.standardInput
            }
            let producer = try KafkaProducer(config: config)
            let verbose = self.verbose
            let outcomes = Task { () -> (ok: Int, failed: Int, firstError: String?) in
                var ok = 0
                var failed = 0
                var firstError: String?
                for await report in producer.deliveryReports {
                    switch report.result {
                    case .success(let metadata):
                        ok += 1
                        if verbose { print("\(metadata.topic)\t\(metadata.partition)\t\(metadata.offset)") }
                    case .failure(let error):
                        failed += 1
                        if firstError == nil { firstError = "\(error)" }
                    }
                }
                return (ok, failed, firstError)
            }
            let separator = keySeparator.map { Array($0.utf8) }
            var lines = 0
            for line in LineReader(input) {
                var key: ByteBuffer?
                var valueBytes = line[...]
                if let separator, let range = Self.firstRange(of: separator, in: line) {
                    key = ByteBuffer(bytes: line[..<range.lowerBound])
                    valueBytes = line[range.upperBound...]
                }
                let value: ByteBuffer? = tombstone && valueBytes.isEmpty ? nil : ByteBuffer(bytes: valueBytes)
                try await producer.enqueue(ProducerRecord(topic: topic, partition: partition, key: key, value: value, headers: headerList))
                lines += 1
            }
            await producer.close()
            let (ok, failed, firstError) = await outcomes.value
            printError("produced \(ok) record(s) to \(topic)" + (failed > 0 ? ", \(failed) failed" : ""))
            if failed > 0 { throw CLIError.failed(firstError ?? "\(failed) record(s) failed") }
        }
    }

    static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], Array(haystack[index..<index + needle.count]) == needle {
                return index..<index + needle.count
            }
            index += 1
        }
        return nil
    }
}
