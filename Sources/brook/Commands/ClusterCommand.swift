import ArgumentParser
import BrookClient
import BrookProtocol
import Foundation

/// `brook cluster info`: cluster id, controller, brokers, and the API versions the bootstrap broker offers.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Inspect the cluster.", subcommands: [Info.self])

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the cluster id, controller and brokers.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        @Flag(name: .long, help: "Also list the APIs and versions the first broker supports.") var apiVersions = false

        func run() async throws {
            try await runClientCommand {
                let cluster = KafkaCluster(config: try client.adminConfig())
                let admin = KafkaAdmin(cluster: cluster)
                let description = try await admin.describeCluster()
                let versions = apiVersions ? try await cluster.anyConnection().apiVersions : nil
                await cluster.close()
                let apis = (versions?.broker ?? [:]).sorted { $0.key < $1.key }.map { key, range -> (String, String, String) in
                    let name = ApiKey(rawValue: key)?.kafkaName ?? "api\(key)"
                    let used = ApiKey(rawValue: key).flatMap { versions?.version(for: $0) }.map(String.init) ?? "-"
                    return (name, "\(range.lowerBound)-\(range.upperBound)", used)
                }
                if output.json {
                    var document: [String: Any] = [
                        "cluster_id": description.clusterId as Any, "controller_id": Int(description.controllerId),
                        "brokers": description.brokers.map {
                            ["id": Int($0.nodeId), "host": $0.address.host, "port": $0.address.port, "rack": $0.rack as Any] as [String: Any]
                        },
                    ]
                    if apiVersions { document["api_versions"] = apis.map { ["api": $0.0, "versions": $0.1, "client_uses": $0.2] } }
                    try JSONOutput.print(document)
                    return
                }
                print("cluster \(description.clusterId ?? "-")  controller \(description.controllerId)")
                var table = TextTable("BROKER", "ADDRESS", "RACK")
                for broker in description.brokers { table.add(String(broker.nodeId), broker.address.description, broker.rack ?? "-") }
                table.print()
                if apiVersions {
                    var apiTable = TextTable("API", "VERSIONS", "CLIENT-USES")
                    for api in apis { apiTable.add(api.0, api.1, api.2) }
                    apiTable.print()
                }
            }
        }
    }
}
