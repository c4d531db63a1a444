import ArgumentParser
import BrookClient
import Foundation

extension TopicCommand {
    /// `brook topic reassign`: AlterPartitionReassignments for one partition (KIP-455).
    struct Reassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a partition's replicas to other brokers (or cancel a move in flight).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Topic name.") var name: String
        @Option(name: .long, help: "Partition index.") var partition: Int32
        @Option(name: .long, help: ArgumentHelp("The new replicas, preferred leader first.", valueName: "id,id,...")) var replicas: String?
        @Flag(name: .long, help: "Cancel the reassignment in flight.") var cancel = false
        @Flag(name: .long, help: "Wait until the move completed (the new replicas are in sync).") var wait = false
        @Option(name: .customLong("wait-timeout"), help: "Seconds --wait waits at most.") var waitTimeout: Int = 600

        func validate() throws {
            if (replicas == nil) == !cancel { throw ValidationError("give either --replicas or --cancel") }
        }

        func run() async throws {
            let target = try replicas.map(Self.brokerIds)
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let tp = TopicPartition(name, partition)
                do {
                    let results = try await admin.alterPartitionReassignments([tp: target])
                    try results[tp]?.get()
                    if let target {
                        print("reassigning \(tp) to \(target.map(String.init).joined(separator: ","))")
                    } else {
                        print("cancelled the reassignment of \(tp)")
                    }
                    if wait, target != nil {
                        let deadline = ContinuousClock.now + .seconds(waitTimeout)
                        while try await admin.partitionReassignments([tp])[tp] != nil {
                            guard ContinuousClock.now < deadline else {
                                throw CLIError(description: "\(tp) is still being reassigned after \(waitTimeout) s", exit: .timedOut)
                            }
                            try await Task.sleep(for: .milliseconds(200))   // the API has no push: poll
                        }
                        print("reassigned \(tp)")
                    }
                } catch {
                    await admin.close()
                    throw error
                }
                await admin.close()
            }
        }

        static func brokerIds(_ list: String) throws -> [Int32] {
            try list.split(separator: ",").map {
                guard let id = Int32($0.trimmingCharacters(in: .whitespaces)) else {
                    throw CLIError.usage("--replicas expects broker ids separated by commas, got '\(list)'")
                }
                return id
            }
        }
    }

    /// `brook topic reassignments`: ListPartitionReassignments.
    struct Reassignments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the partition reassignments in flight.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runClientCommand {
                let admin = KafkaAdmin(config: try client.adminConfig())
                let ongoing: [TopicPartition: PartitionReassignment]
                do {
                    ongoing = try await admin.partitionReassignments()
                } catch {
                    await admin.close()
                    throw error
                }
                await admin.close()
                let sorted = ongoing.keys.sorted()
                if output.json {
                    try JSONOutput.print(sorted.map { tp -> [String: Any] in
                        let move = ongoing[tp]!
                        return ["topic": tp.topic, "partition": tp.partition, "replicas": move.replicas,
                                "adding": move.adding, "removing": move.removing]
                    })
                    return
                }
                var table = TextTable("TOPIC", "PARTITION", "REPLICAS", "ADDING", "REMOVING")
                func ids(_ list: [Int32]) -> String { list.map(String.init).joined(separator: ",") }
                for tp in sorted {
                    let move = ongoing[tp]!
                    table.add(tp.topic, String(tp.partition), ids(move.replicas), ids(move.adding), ids(move.removing))
                }
                table.print()
            }
        }
    }
}
