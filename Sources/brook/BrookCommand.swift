import ArgumentParser

/// The `brook` command line: a Kafka-compatible broker and its tools.
@main
struct BrookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "brook",
        abstract: "Brook: a Kafka-compatible event streaming platform in one binary.",
        version: "brook \(BrookVersion.string)",
        subcommands: [
            ServeCommand.self, TopicCommand.self, ProduceCommand.self, ConsumeCommand.self, GroupCommand.self,
            ClusterCommand.self, SchemaCommand.self, ConnectCommand.self, BenchCommand.self,
        ]
    )
}
