import ArgumentParser
import BrookClient
import BrookRecords
import BrookRegistryClient
import BrookSchemas
import Foundation
import NIOCore

/// `brook produce TOPIC`: one record per input line.
struct ProduceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "produce",
        abstract: "Produce records to a topic, one per line of stdin or a file.",
        discussion: """
            With --key-separator, the text before the first separator is the key. With --tombstone, an \
            empty value is sent as null (a delete marker on compacted topics). Each line that fails is \
            reported on stderr with its number ("line 7: ...") and the others are still sent, unless \
            --stop-on-error; the exit status is 1 if any line failed. An error that every later line \
            would meet too (no broker, no such partition) stops at once.
            With --value-schema (and --key-schema, with -K) each value (key) is a JSON document written \
            in the Schema Registry wire format under the subject <topic>-value (<topic>-key): SPEC is \
            [avro:|protobuf:|json:]FILE[#Message] (registered on first use; type from the prefix or the \
            extension .avsc, .proto, .json; #Message picks a Protobuf message), id:N, latest or version:N. \
            Avro values use Avro's JSON encoding (a union branch as {"type": value}); Protobuf values the \
            proto3 JSON mapping; JSON values are checked against the JSON Schema.
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
    @Flag(name: .long, help: "Stop reading at the first line that fails (default: report it and go on).") var stopOnError = false
    @Option(name: .long, help: ArgumentHelp("Write keys with this schema (see below; needs -K).", valueName: "spec")) var keySchema: String?
    @Option(name: .long, help: ArgumentHelp("Write values with this schema (see below).", valueName: "spec")) var valueSchema: String?
    @OptionGroup var registryOption: RecordRegistryOption

    func validate() throws {
        if keySchema != nil, keySeparator == nil { throw ValidationError("--key-schema needs -K (the key is the text before the separator)") }
    }

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
            let (keySerializer, valueSerializer) = try await serializers()
            let producer = try KafkaProducer(config: config)
            let tally = ProduceTally()
            let verbose = self.verbose
            let reports = Task {
                for await report in producer.deliveryReports {
                    switch report.result {
                    case .success(let metadata):
                        tally.succeeded()
                        if verbose { print("\(metadata.topic)\t\(metadata.partition)\t\(metadata.offset)") }
                    case .failure(let error):
                        printError("brook: error: " + tally.fail(line: report.opaque ?? 0, error))
                    }
                }
            }
            let separator = keySeparator.map { Array($0.utf8) }
            var lineNumber = 0
            var unsent: Int?  // the first line not sent, when reading stopped early
            var fatal: Error?
            for line in LineReader(input) {
                lineNumber += 1
                if stopOnError, tally.firstFailedLine != nil {
                    unsent = lineNumber
                    break
                }
                var keyBytes: ArraySlice<UInt8>?
                var valueBytes = line[...]
                if let separator, let range = Self.firstRange(of: separator, in: line) {
                    keyBytes = line[..<range.lowerBound]
                    valueBytes = line[range.upperBound...]
                }
                let key: ByteBuffer?
                let value: ByteBuffer?
                do {
                    key = try await keyBytes.asyncMap { try await Self.encode($0, with: keySerializer, what: "key") }
                    value = tombstone && valueBytes.isEmpty ? nil : try await Self.encode(valueBytes, with: valueSerializer, what: "value")
                } catch {
                    printError("brook: error: " + tally.fail(line: lineNumber, error))
                    if stopOnError {
                        unsent = lineNumber + 1
                        break
                    }
                    continue
                }
                var record = ProducerRecord(topic: topic, partition: partition, key: key, value: value, headers: headerList)
                record.opaque = lineNumber
                do {
                    try await producer.enqueue(record)
                } catch where ProduceTally.concernsTheLineAlone(error) {
                    printError("brook: error: " + tally.fail(line: lineNumber, error))
                    if stopOnError {
                        unsent = lineNumber + 1
                        break
                    }
                } catch {
                    fatal = error
                    unsent = lineNumber
                    break
                }
            }
            // Closing waits for what was accepted, so no line is dropped without a report.
            await producer.close()
            await reports.value
            if fatal == nil, let unsent, let failedLine = tally.firstFailedLine {
                printError("stopped at line \(failedLine) (--stop-on-error): line \(unsent) and later were not sent")
            }
            printError(tally.summary(topic: topic))
            if let fatal {
                let failure = CLIError(fatal)
                throw CLIError(description: "line \(lineNumber): \(failure.description); line \(lineNumber) and later were not sent",
                               exit: failure.exit)
            }
            if tally.failed > 0 { throw ExitCode(CLIExit.failed.rawValue) }
        }
    }

    /// The key and value serializers the schema options ask for, each with its schema registered
    /// (or found) already, so a registry that refuses it stops the command before any line is read.
    private func serializers() async throws -> (key: SchemaRegistrySerializer?, value: SchemaRegistrySerializer?) {
        guard keySchema != nil || valueSchema != nil else { return (nil, nil) }
        let registry = try registryOption.client()
        let key = try keySchema.map { try ProduceSchemaSpec($0).serializer(registry: registry, subject: "\(topic)-key") }
        let value = try valueSchema.map { try ProduceSchemaSpec($0).serializer(registry: registry, subject: "\(topic)-value") }
        for serializer in [key, value].compactMap({ $0 }) { _ = try await serializer.schemaId() }
        return (key, value)
    }

    /// `bytes` as they are, or parsed as JSON and written with `serializer`.
    static func encode(_ bytes: ArraySlice<UInt8>, with serializer: SchemaRegistrySerializer?, what: String) async throws -> ByteBuffer {
        guard let serializer else { return ByteBuffer(bytes: bytes) }
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(bytes))
        } catch {
            throw CLIError.failed("the \(what) is not JSON: \(error)")
        }
        do {
            return ByteBuffer(bytes: try await serializer.serialize(json))
        } catch let error as SchemaPayloadError {
            throw CLIError.failed("the \(what) does not fit its schema: \(error.message)")
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

private extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
