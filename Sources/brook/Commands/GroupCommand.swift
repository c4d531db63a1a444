import ArgumentParser
import BrookClient
import Foundation

/// `brook group`: list, describe, seek, delete consumer groups.
struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Inspect and manage consumer groups.",
        subcommands: [List.self, Describe.self, Seek.self, Delete.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List consumer groups.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let groups = try await admin.listGroups()
                await admin.close()
                if output.json {
                    try JSONOutput.print(groups.map { ["group": $0.groupId, "state": $0.state, "protocol_type": $0.protocolType, "type": $0.type] })
                    return
                }
                var table = TextTable("GROUP", "STATE", "PROTOCOL-TYPE")
                for group in groups { table.add(group.groupId, group.state.isEmpty ? "-" : group.state, group.protocolType) }
                table.print()
            }
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a group's members, committed offsets and lag.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Group id.") var group: String

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let described = try await admin.describeGroups([group])
                guard case .success(let description)? = described[group] else {
                    if case .failure(let error)? = described[group] {
                        if error.errorCode == .groupIdNotFound { throw CLIError.notFound("no such group: \(group)") }
                        throw error
                    }
                    throw CLIError.failed("no answer for group \(group)")
                }
                // DescribeGroups before v6 answers an unknown group with state Dead and no error.
                if description.state == "Dead" { throw CLIError.notFound("no such group: \(group)") }
                let committed = try await admin.listGroupOffsets(group)
                let ends = committed.isEmpty ? [:] : try await admin.listOffsets(committed.mapValues { _ in .latest })
                await admin.close()
                var owner: [TopicPartition: String] = [:]
                for member in description.members {
                    for partition in member.assignment { owner[partition] = member.memberId }
                }
                let partitions = Set(committed.keys).union(owner.keys).sorted()
                if output.json {
                    try JSONOutput.print([
                        "group": group, "state": description.state, "protocol_type": description.protocolType,
                        "assignor": description.protocolName,
                        "members": description.members.map {
                            ["member_id": $0.memberId, "client_id": $0.clientId, "host": $0.clientHost,
                             "instance_id": $0.groupInstanceId as Any,
                             "partitions": $0.assignment.map { ["topic": $0.topic, "partition": Int($0.partition)] as [String: Any] }] as [String: Any]
                        },
                        "offsets": partitions.map { partition -> [String: Any] in
                            var entry: [String: Any] = ["topic": partition.topic, "partition": Int(partition.partition)]
                            entry["committed"] = committed[partition] ?? NSNull()
                            entry["end"] = ends[partition] ?? NSNull()
                            if let offset = committed[partition], let end = ends[partition] { entry["lag"] = max(0, end - offset) }
                            entry["member_id"] = owner[partition] ?? NSNull()
                            return entry
                        },
                    ])
                    return
                }
                print("group \(group)  state \(description.state)  assignor \(description.protocolName.isEmpty ? "-" : description.protocolName)  members \(description.members.count)")
                var table = TextTable("TOPIC", "PARTITION", "COMMITTED", "END", "LAG", "MEMBER")
                for partition in partitions {
                    let offset = committed[partition]
                    let end = ends[partition]
                    let lag = offset.flatMap { offset in end.map { max(0, $0 - offset) } }
                    table.add(partition.topic, String(partition.partition), offset.map(String.init) ?? "-", end.map(String.init) ?? "-",
                              lag.map(String.init) ?? "-", owner[partition] ?? "-")
                }
                table.print()
            }
        }
    }

    struct Seek: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a group's committed offsets (a dry run unless --execute).",
            discussion: """
                --to takes the consume offset grammar: start, end, N, -N, +N, @<ms>, @<ISO-8601>, @-1h. \
                --shift N moves each committed offset by N (negative: back). The group must have no active members.
                """
        )
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Group id.") var group: String
        @Option(name: [.short, .long], help: "Topic whose offsets move.") var topic: String
        @Option(name: [.short, .long], help: "Only these partitions (repeatable; default all).") var partition: [Int32] = []
        @Option(name: .long, parsing: .unconditional, help: "Target offset.") var to: String?
        @Option(name: .long, parsing: .unconditional, help: "Shift the committed offsets by this many records.") var shift: Int64?
        @Flag(name: .long, help: "Apply the change (without it, only show it).") var execute = false

        func validate() throws {
            if (to == nil) == (shift == nil) { throw ValidationError("give exactly one of --to and --shift") }
        }

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let described = try await admin.describeTopics([topic])
                guard case .success(let description)? = described[topic] else { throw CLIError.notFound("no such topic: \(topic)") }
                let partitions = (partition.isEmpty ? description.partitions.map(\.id) : partition).map { TopicPartition(topic, $0) }
                let current = try await admin.listGroupOffsets(group, partitions: partitions)
                let earliest = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .earliest) }))
                let latest = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .latest) }))
                var targets: [TopicPartition: Int64] = [:]
                if let shift {
                    for partition in partitions {
                        let base = current[partition] ?? earliest[partition] ?? 0
                        targets[partition] = base + shift
                    }
                } else if let to {
                    let start = try StartOffset.parse(to)
                    if let time = start.lookupTimestamp(now: Int64(Date().timeIntervalSince1970 * 1000)) {
                        targets = try await admin.listOffsets(Dictionary(uniqueKeysWithValues: partitions.map { ($0, .timestamp(time)) }))
                    } else {
                        for partition in partitions {
                            targets[partition] = start.resolve(earliest: earliest[partition] ?? 0, latest: latest[partition] ?? 0)
                        }
                    }
                }
                // Clamp into the log, as Kafka's tool does.
                for (partition, offset) in targets {
                    targets[partition] = min(max(offset, earliest[partition] ?? 0), latest[partition] ?? offset)
                }
                if execute { try await admin.alterGroupOffsets(group, targets) }
                await admin.close()
                if output.json {
                    try JSONOutput.print([
                        "group": group, "executed": execute,
                        "offsets": targets.keys.sorted().map {
                            ["topic": $0.topic, "partition": Int($0.partition), "current": current[$0] as Any, "new": targets[$0]!] as [String: Any]
                        },
                    ])
                    return
                }
                var table = TextTable("TOPIC", "PARTITION", "CURRENT", "NEW")
                for partition in targets.keys.sorted() {
                    table.add(partition.topic, String(partition.partition), current[partition].map(String.init) ?? "-", String(targets[partition]!))
                }
                table.print()
                if !execute { printError("dry run: nothing changed; add --execute to apply") }
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete consumer groups (they must be empty).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Group ids.") var groups: [String]

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let results = try await admin.deleteGroups(groups)
                await admin.close()
                try report(results, names: groups, verb: "deleted group")
            }
        }
    }
}
