import ArgumentParser
import BrookClient
import Foundation
import Logging

/// Options every client command takes: where the brokers are and Kafka client properties.
struct ClientOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Bootstrap brokers, host:port[,host:port...] (env BROOK_BROKERS; default localhost:9092).", valueName: "brokers"))
    var brokers: String?

    @Option(name: .customShort("X"), help: ArgumentHelp(
        "A Kafka client property, e.g. -X client.id=ops -X request.timeout.ms=5000 (repeatable).", valueName: "key=value"))
    var properties: [String] = []

    @Flag(name: .long, help: "Log client activity (connections, retries) to stderr.")
    var debug = false

    /// The bootstrap list: --brokers, else $BROOK_BROKERS, else localhost:9092.
    var bootstrap: String {
        brokers ?? ProcessInfo.processInfo.environment["BROOK_BROKERS"].flatMap { $0.isEmpty ? nil : $0 } ?? "localhost:9092"
    }

    /// The -X properties as a dictionary (later ones win), with bootstrap.servers from -b.
    func propertyMap() throws -> [String: String] {
        var map: [String: String] = [:]
        for item in properties {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw CLIError.usage("-X expects key=value, got '\(item)'")
            }
            map[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        if map["bootstrap.servers"] == nil { map["bootstrap.servers"] = bootstrap }
        return map
    }

    /// Shared client settings from -b and -X; unknown keys are returned for the caller's own config.
    func clientConfig(clientId: String = "brook-cli") throws -> (ClientConfig, rest: [String: String]) {
        var config = ClientConfig(clientId: clientId)
        config.defaultApiTimeout = .seconds(5)
        config.requestTimeout = .seconds(15)
        if debug {
            var logger = Logger(label: "brook.client") { label in StreamLogHandler.standardError(label: label) }
            logger.logLevel = .debug
            config.logger = logger
        }
        let rest = try config.apply(propertyMap())
        return (config, rest)
    }

    func producerConfig() throws -> ProducerConfig {
        let (client, rest) = try clientConfig()
        var config = ProducerConfig(client: client)
        let unknown = try config.apply(rest)
        try rejectUnknown(unknown)
        return config
    }

    func consumerConfig() throws -> ConsumerConfig {
        let (client, rest) = try clientConfig()
        var config = ConsumerConfig(client: client)
        let unknown = try config.apply(rest)
        try rejectUnknown(unknown)
        return config
    }

    func adminConfig() throws -> ClientConfig {
        let (client, rest) = try clientConfig()
        try rejectUnknown(rest)
        return client
    }

    /// The shared settings alone, for the admin client a consume or bench command uses on the side:
    /// the command's own config has already rejected unknown keys, and consumer keys such as
    /// max.partition.fetch.bytes mean nothing to an admin client.
    func sideAdminConfig() throws -> ClientConfig {
        try clientConfig().0
    }

    private func rejectUnknown(_ unknown: [String: String]) throws {
        if let key = unknown.keys.sorted().first {
            throw CLIError.usage("unknown client property '\(key)' (-X)")
        }
    }
}

/// `--json` for commands that print data.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON for scripts instead of tables.")
    var json = false
}
