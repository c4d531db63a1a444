import ArgumentParser
import BrookClient
import Foundation

/// `brook topic`: create, list, describe, delete, alter-config, add-partitions, elect-leaders, reassign,
/// reassignments.
struct TopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic",
        abstract: "Manage topics.",
        subcommands: [Create.self, List.self, Describe.self, Delete.self, AlterConfig.self, AddPartitions.self,
                      ElectLeaders.self, Reassign.self, Reassignments.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a topic.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Topic name.") var name: String
        @Option(name: [.short, .long], help: "Number of partitions (default: the broker's num.partitions).") var partitions: Int32?
        @Option(name: [.short, .customLong("replication-factor")], help: "Replication factor (default: the broker's).") var replicas: Int16?
        @Option(name: [.short, .customLong("config")], help: ArgumentHelp("Topic config (repeatable).", valueName: "key=value")) var configs: [String] = []
        @Flag(name: .long, help: "Succeed if the topic already exists.") var ifNotExists = false

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let topic = NewTopic(name: name, partitions: partitions ?? -1, replicationFactor: replicas ?? -1,
                                     configs: try parsePairs(configs, flag: "--config"))
                let result = try await admin.createTopics([topic])
                switch result[name] {
                case .success?:
                    print("created topic \(name)")
                case .failure(let error)? where ifNotExists && error.errorCode == .topicAlreadyExists:
                    print("topic \(name) already exists")
                case .failure(let error)?:
                    throw error
                case nil:
                    throw CLIError.failed("the broker did not answer for topic \(name)")
                }
                await admin.close()
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List topics.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Flag(name: .customLong("internal"), help: "Include internal topics.") var includeInternal = false

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let topics = try await admin.listTopics(includeInternal: includeInternal)
                await admin.close()
                if output.json {
                    try JSONOutput.print(topics.map { ["name": $0.name, "partitions": $0.partitions.count, "internal": $0.isInternal] as [String: Any] })
                    return
                }
                var table = TextTable("TOPIC", "PARTITIONS")
                for topic in topics { table.add(topic.name, String(topic.partitions.count)) }
                table.print()
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show partitions, leaders, replicas and offsets of topics.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Topic names.") var names: [String]
        @Flag(name: .long, help: "Also show the topic configs (DescribeConfigs).") var configs = false

        func validate() throws {
            if names.isEmpty { throw ValidationError("name at least one topic") }
        }

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let described = try await admin.describeTopics(names)
                var documents: [[String: Any]] = []
                var missing: [String] = []
                for name in names {
                    guard case .success(let topic)? = described[name] else {
                        missing.append(name)
                        continue
                    }
                    let partitions = topic.partitions.map { TopicPartition(name, $0.id) }
                    // Offsets come from each partition's leader; while one is unreachable (a broker of
                    // a cluster just died) the layout is still worth showing, with -1 offsets.
                    var starts: [TopicPartition: Int64] = [:]
                    var ends: [TopicPartition: Int64] = [:]
                    do {
                        starts = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .earliest) }))
                        ends = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .latest) }))
                    } catch {
                        printError("brook: warning: offsets of \(name) unavailable (shown as -1): \(error)")
                    }
                    let entries = configs ? try await admin.describeConfigs(.topic(name)) : []
                    if output.json {
                        var document: [String: Any] = [
                            "name": name, "topic_id": topic.topicId.description, "internal": topic.isInternal,
                            "partitions": topic.partitions.map { partition -> [String: Any] in
                                let tp = TopicPartition(name, partition.id)
                                return ["partition": Int(partition.id), "leader": Int(partition.leader),
                                        "replicas": partition.replicas.map(Int.init), "isr": partition.isr.map(Int.init),
                                        "start_offset": starts[tp] ?? -1, "end_offset": ends[tp] ?? -1]
                            },
                        ]
                        if configs {
                            document["configs"] = entries.map { ["name": $0.name, "value": $0.value as Any, "source": $0.source.name] as [String: Any] }
                        }
                        documents.append(document)
                        continue
                    }
                    print("topic \(name)  id \(topic.topicId)  partitions \(topic.partitions.count)\(topic.isInternal ? "  internal" : "")")
                    var table = TextTable("PARTITION", "LEADER", "REPLICAS", "ISR", "START", "END")
                    for partition in topic.partitions {
                        let tp = TopicPartition(name, partition.id)
                        table.add(String(partition.id), String(partition.leader),
                                  partition.replicas.map(String.init).joined(separator: ","),
                                  partition.isr.map(String.init).joined(separator: ","),
                                  String(starts[tp] ?? -1), String(ends[tp] ?? -1))
                    }
                    table.print()
                    if configs {
                        var configTable = TextTable("CONFIG", "VALUE", "SOURCE")
                        for entry in entries { configTable.add(entry.name, entry.value ?? (entry.isSensitive ? "(sensitive)" : ""), entry.source.name) }
                        configTable.print()
                    }
                }
                await admin.close()
                if output.json { try JSONOutput.print(documents) }
                if !missing.isEmpty {
                    throw CLIError.notFound("no such topic: \(missing.joined(separator: ", "))")
                }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete topics.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Topic names.") var names: [String]

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let results = try await admin.deleteTopics(names)
                await admin.close()
                try report(results, names: names, verb: "deleted topic")
            }
        }
    }

    struct AlterConfig: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alter-config", abstract: "Set or remove topic configs (IncrementalAlterConfigs).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Topic name.") var name: String
        @Option(name: .long, help: ArgumentHelp("Set a config (repeatable).", valueName: "key=value")) var set: [String] = []
        @Option(name: .long, help: ArgumentHelp("Remove an override (repeatable).", valueName: "key")) var delete: [String] = []

        func validate() throws {
            if set.isEmpty && delete.isEmpty { throw ValidationError("give --set key=value or --delete key") }
        }

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let changes = try parsePairs(set, flag: "--set").sorted { $0.key < $1.key }.map { ConfigChange.set($0.key, $0.value) }
                    + delete.map { ConfigChange.delete($0) }
                try await admin.alterConfigs(.topic(name), changes)
                await admin.close()
                print("altered \(changes.count) config(s) of topic \(name)")
            }
        }
    }

    struct AddPartitions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-partitions", abstract: "Raise a topic's partition count.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Topic name.") var name: String
        @Option(name: .long, help: "The new total number of partitions.") var total: Int32

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let results = try await admin.createPartitions([name: total])
                await admin.close()
                try results[name]?.get()
                print("topic \(name) now has \(total) partitions")
            }
        }
    }
}

/// Parses repeated key=value flags.
func parsePairs(_ items: [String], flag: String) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in items {
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw CLIError.usage("\(flag) expects key=value, got '\(item)'")
        }
        out[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return out
}

/// Prints one line per item; throws the first failure after printing the successes.
func report(_ results: [String: Result<Void, KafkaClientError>], names: [String], verb: String) throws {
    var firstError: Error?
    for name in names {
        switch results[name] {
        case .success?: print("\(verb) \(name)")
        case .failure(let error)?:
            if firstError == nil { firstError = error } else { printError("brook: error: \(error)") }
        case nil:
            if firstError == nil { firstError = CLIError.failed("no answer for \(name)") }
        }
    }
    if let firstError { throw firstError }
}
