import ArgumentParser
import BrookClient
import BrookProtocol

extension TopicCommand {
    /// `brook topic elect-leaders`: Kafka's kafka-leader-election.sh as a topic subcommand.
    struct ElectLeaders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "elect-leaders",
            abstract: "Move leadership back to preferred replicas, or elect unclean leaders (ElectLeaders).",
            discussion: """
                Without arguments every partition of the cluster is considered. A TOPIC names all its \
                partitions, TOPIC:PARTITION one. Partitions whose leader is already the right one are \
                reported as not needing an election; that is not an error.
                """)
        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case preferred, unclean
        }

        @OptionGroup var client: ClientOptions
        @Option(name: .long, help: "preferred: the first replica leads again when it is in sync; unclean: any live replica leads a partition that has no leader (may lose records).")
        var type: Kind = .preferred
        @Argument(help: ArgumentHelp("Partitions (default: all).", valueName: "topic[:partition]")) var targets: [String] = []

        func run() async throws {
            try await runClientCommand {
                let parsed = try targets.map(Self.parse)
                let admin = KafkaAdmin(config: try client.adminConfig())
                let partitions = parsed.isEmpty ? nil : try await Self.expand(parsed, admin: admin)
                let electionType: LeaderElectionType = type == .preferred ? .preferred : .unclean
                let results = try await admin.electLeaders(electionType, partitions: partitions)
                await admin.close()
                try Self.report(results, type: type)
            }
        }

        /// "topic" (every partition) or "topic:partition".
        static func parse(_ text: String) throws -> (topic: String, partition: Int32?) {
            guard let colon = text.lastIndex(of: ":") else {
                guard !text.isEmpty else { throw CLIError.usage("empty topic name") }
                return (text, nil)
            }
            let topic = String(text[..<colon])
            guard !topic.isEmpty, let partition = Int32(text[text.index(after: colon)...]), partition >= 0 else {
                throw CLIError.usage("expected TOPIC or TOPIC:PARTITION, got '\(text)'")
            }
            return (topic, partition)
        }

        /// Named partitions as given; a bare topic becomes all its partitions. Naming one twice is
        /// refused here, as Kafka's leader-election tool does.
        static func expand(_ parsed: [(topic: String, partition: Int32?)], admin: KafkaAdmin) async throws -> [TopicPartition] {
            let whole = Array(Set(parsed.filter { $0.partition == nil }.map(\.topic))).sorted()
            let described = whole.isEmpty ? [:] : try await admin.describeTopics(whole)
            var out: [TopicPartition] = []
            for target in parsed {
                if let partition = target.partition {
                    out.append(TopicPartition(target.topic, partition))
                } else {
                    guard case .success(let topic)? = described[target.topic] else {
                        throw CLIError.notFound("no such topic: \(target.topic)")
                    }
                    out += topic.partitions.map { TopicPartition(target.topic, $0.id) }
                }
            }
            var seen = Set<TopicPartition>()
            let twice = Set(out.filter { !seen.insert($0).inserted })
            if !twice.isEmpty {
                throw CLIError.usage("partitions named more than once: \(twice.sorted().map(\.description).joined(separator: ", "))")
            }
            return out
        }

        /// One line for the elected partitions, one for those that needed nothing, one per failure.
        static func report(_ results: [TopicPartition: Result<Void, KafkaClientError>], type: Kind) throws {
            var elected: [TopicPartition] = []
            var notNeeded: [TopicPartition] = []
            var failures: [KafkaClientError] = []
            for (partition, result) in results.sorted(by: { $0.key < $1.key }) {
                switch result {
                case .success: elected.append(partition)
                case .failure(let error) where error.errorCode == .electionNotNeeded: notNeeded.append(partition)
                case .failure(let error): failures.append(error)
                }
            }
            if !elected.isEmpty {
                print("elected \(type.rawValue) leaders for \(elected.map(\.description).joined(separator: ", "))")
            }
            if !notNeeded.isEmpty {
                print("no election needed for \(notNeeded.map(\.description).joined(separator: ", "))")
            }
            if elected.isEmpty && notNeeded.isEmpty && failures.isEmpty {
                print("no election needed")
            }
            for error in failures { printError("brook: error: \(error)") }
            if !failures.isEmpty {
                throw CLIError.failed("\(failures.count) of \(results.count) elections failed")
            }
        }
    }
}
