import ArgumentParser
import BrookClient
import BrookRegistryClient
import Foundation

/// `brook consume TOPIC`: prints records as they arrive.
struct ConsumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consume",
        abstract: "Consume records from a topic and print them.",
        discussion: """
            Where reading starts: at the start of each partition unless -o says otherwise. Without -g \
            every partition (or those given with -p) is read from -o. With -g the group assigns the \
            partitions and resumes from its committed offsets; a new group starts at the start (or at \
            the end with -o end), and the offsets after the printed records are committed on exit.
            Offsets (-o): start, end, N, -N (N before the end), +N (N after the start), @<ms since epoch>, \
            @<ISO-8601 time>, @-1h (an hour ago; units ms s m h d).
            Format (-f): %t topic, %p partition, %o offset, %k key, %v value, %h headers, %T timestamp, \
            %K/%S key/value length, %%, \\n \\t; default "%v\\n".
            Schemas (--key-schema/--value-schema TYPE, or kcat's -s key=TYPE / -s value=TYPE / -s TYPE): \
            keys/values in the Schema Registry wire format are decoded through the registry (-r) by the \
            schema id they carry and printed as JSON; TYPE is avro, protobuf, json or any. A record that \
            cannot be decoded is reported on stderr and skipped (exit status 1).
            """
    )

    @OptionGroup var client: ClientOptions
    @Argument(help: "Topic to consume.") var topic: String
    @Option(name: [.short, .long], parsing: .unconditional, help: "Where to start (default start; see below).") var offset: String?
    @Option(name: [.short, .long], help: "Only these partitions (repeatable; not with -g).") var partition: [Int32] = []
    @Option(name: [.customShort("n"), .customLong("count")], help: "Exit after this many records.") var count: Int?
    @Flag(name: [.short, .customLong("exit")], help: "Exit once the end of every partition is reached.") var exitAtEnd = false
    @Option(name: [.short, .customLong("group")], help: "Consume as a member of this group (commits offsets).") var group: String?
    @Flag(name: .long, help: "Only read committed transactional records.") var readCommitted = false
    @Option(name: [.short, .long], help: "Output format.") var format: String?
    @Flag(name: .long, help: "Print each record as a JSON object on one line.") var json = false
    @Option(name: .long, help: ArgumentHelp("Decode keys through the Schema Registry.", valueName: "type")) var keySchema: String?
    @Option(name: .long, help: ArgumentHelp("Decode values through the Schema Registry.", valueName: "type")) var valueSchema: String?
    @Option(name: .customShort("s"), help: ArgumentHelp("kcat-style schema decoding (repeatable).", valueName: "key=type|value=type|type"))
    var schemaTypes: [String] = []
    @OptionGroup var registryOption: RecordRegistryOption

    func validate() throws {
        if group != nil, !partition.isEmpty { throw ValidationError("-p cannot be used with -g (the group assigns partitions)") }
        if json, format != nil { throw ValidationError("use either --json or -f") }
        if let count, count < 0 { throw ValidationError("-n must not be negative") }
        _ = try ConsumeSchemaChoice(key: keySchema, value: valueSchema, kcatStyle: schemaTypes)
    }

    func run() async throws {
        try await runClientCommand {
            try await withInterruptHandling { try await consume() }
        }
    }

    private func consume() async throws {
        // One default with or without a group, as rpk: the start, unless -o says otherwise.
        let start = try offset.map(StartOffset.parse) ?? .start
        let formatter = try RecordFormatter(format ?? "%v\\n")
        let choice = try ConsumeSchemaChoice(key: keySchema, value: valueSchema, kcatStyle: schemaTypes)
        let decoder = choice.isEmpty ? nil
            : ConsumedRecordDecoder(deserializer: SchemaRegistryDeserializer(registry: try registryOption.client()), choice: choice)
        var config = try client.consumerConfig()
        if readCommitted { config.isolationLevel = .readCommitted }
        if let group {
            config.groupId = group
            switch start {
            case .start: config.autoOffsetReset = .earliest
            case .end: config.autoOffsetReset = .latest
            default: throw CLIError.usage("with -g, -o accepts only start or end (the group's committed offsets decide the rest)")
            }
        } else {
            config.enableAutoCommit = false
        }
        let consumer = try KafkaConsumer(config: config)
        do {
            if group != nil {
                try await consumer.subscribe([topic])
            } else {
                try await assign(consumer, start: start)
            }
            try await readLoop(consumer, formatter: formatter, decoder: decoder)
        } catch {
            // Closing commits and leaves the group; run it outside this (possibly cancelled) task.
            await Task { await consumer.close() }.value
            throw error
        }
        await Task { await consumer.close() }.value
    }

    private func assign(_ consumer: KafkaConsumer, start: StartOffset) async throws {
        let admin = KafkaAdmin(config: try client.sideAdminConfig())
        let described = try await admin.describeTopics([topic])
        await admin.close()
        guard case .success(let description)? = described[topic] else {
            if case .failure(let error)? = described[topic], error.errorCode != .unknownTopicOrPartition { throw error }
            throw CLIError.notFound("no such topic: \(topic)")
        }
        let all = description.partitions.map(\.id)
        let chosen = partition.isEmpty ? all : partition
        if let missing = chosen.first(where: { !all.contains($0) }) {
            throw CLIError.notFound("topic \(topic) has no partition \(missing) (it has \(all.count))")
        }
        let partitions = chosen.map { TopicPartition(topic, $0) }
        try await consumer.assign(partitions)
        if let time = start.lookupTimestamp(now: Int64(Date().timeIntervalSince1970 * 1000)) {
            try await consumer.seek(partitions, to: .timestamp(time))
            return
        }
        let earliest = try await consumer.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .earliest) }))
        let latest = try await consumer.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .latest) }))
        for partition in partitions {
            let offset = start.resolve(earliest: earliest[partition] ?? 0, latest: latest[partition] ?? 0) ?? 0
            try await consumer.seek(partition, to: offset)
        }
    }

    private func readLoop(_ consumer: KafkaConsumer, formatter: RecordFormatter, decoder: ConsumedRecordDecoder?) async throws {
        var limit = CountLimit(count)
        guard !limit.isReached else { return }
        let stdout = FileHandle.standardOutput
        var undecodable = 0
        func finish() throws {
            if undecodable > 0 { throw CLIError.failed("\(undecodable) record(s) could not be decoded") }
        }
        while !Task.isCancelled {
            let records = try await consumer.poll(timeout: .milliseconds(500))
            let (printed, resume) = limit.take(records)
            var out: [UInt8] = []
            for record in printed {
                var decoded = ConsumedRecordDecoder.Decoded(record: record)
                if let decoder {
                    do {
                        decoded = try await decoder.decode(record)
                    } catch {
                        undecodable += 1
                        printError("brook: error: \(record.topic)/\(record.partition)@\(record.offset): \(CLIError(error).description)")
                        continue
                    }
                }
                if json {
                    out.append(contentsOf: try JSONOutput.string(RecordJSON.object(decoded)).utf8)
                    out.append(0x0A)
                } else {
                    formatter.render(decoded.record, into: &out)
                }
            }
            if !out.isEmpty { stdout.write(Data(out)) }
            if limit.isReached {
                // Closing commits the positions: bring back those that went past unprinted records.
                for (partition, offset) in resume { try await consumer.seek(partition, to: offset) }
                return try finish()
            }
            if exitAtEnd, await consumer.reachedEndOfAllPartitions { return try finish() }
        }
    }
}

/// Runs `body` in a task that SIGINT and SIGTERM cancel, so commands can close cleanly (commit,
/// leave the group) instead of dying mid-request.
func withInterruptHandling(_ body: @escaping @Sendable () async throws -> Void) async throws {
    let task = Task { try await body() }
    let sources = [SIGINT, SIGTERM].map { signalNumber -> DispatchSourceSignal in
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler { task.cancel() }
        source.resume()
        return source
    }
    defer { sources.forEach { $0.cancel() } }
    do {
        try await task.value
    } catch is CancellationError {
        return
    } catch KafkaClientError.closed where task.isCancelled {
        return
    }
}
