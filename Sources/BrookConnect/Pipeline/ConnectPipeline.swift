import BrookSchemas

/// One connector a pipeline runs: its Connect name and flat configuration, as the Connect REST API
/// takes it (`name`, `connector.class`, the connector's keys, `transforms…`, `predicates…`).
public struct PipelineConnector: Sendable, Hashable {
    public var name: String
    public var config: [String: String]
    /// Where each configuration key was written, so that errors found later (a connector's own
    /// validation) can point at the YAML line too.
    public var keyPositions: [String: YAMLPosition]

    public init(name: String, config: [String: String], keyPositions: [String: YAMLPosition]) {
        self.name = name
        self.config = config
        self.keyPositions = keyPositions
    }

    public var connectorClass: String { config["connector.class"] ?? "" }

    /// A problem the runtime found with `key` (e.g. a connector's own `validate` error), pointing at
    /// the line that set the key, or at the connector's class when the key was not written.
    public func error(forKey key: String, message: String) -> ConnectPipelineError {
        let position = keyPositions[key] ?? keyPositions["connector.class"] ?? YAMLPosition(line: 1, column: 1)
        return ConnectPipelineError(position: position, message: message)
    }
}

/// A pipeline file (`brook connect run pipeline.yaml`): one source connector, its transforms, and
/// an output that is either a Kafka topic or a sink connector reading that topic.
///
/// ```yaml
/// name: csv-orders                  # optional; defaults to the file's name
/// input:
///   DesiredStateSource: {input: csv, path: data/*.csv, key.columns: id}
/// transforms:                       # optional; they run on the source
///   - InsertField$Value: {static.field: origin, static.value: csv}
///   - type: MaskField$Value
///     fields: email
/// output:
///   kafka: {topic: orders}          # or a sink connector: FileStreamSink: {file: out.txt}
/// ```
/// Nested mappings flatten with dots (`key: {columns: id}` is `key.columns: id`), numbers and
/// booleans become Connect strings, sequences comma-separated lists. Transform aliases are `t1`,
/// `t2`… unless given with `alias:`; a transform's `predicate:` may be an inline predicate
/// (`{TopicNameMatches: {pattern: a.*}}`, aliases `p1`, `p2`…). A sink connector may carry its own
/// `transforms:` list. The source connector is named after the pipeline, a sink `<name>-sink`,
/// unless their configuration sets `name`.
public struct ConnectPipeline: Sendable, Hashable {
    /// Where the pipeline's records end up.
    public enum Output: Sendable, Hashable {
        /// The source writes to this topic and nothing reads it here.
        case topic(String)
        /// A sink connector reads the source's topic.
        case sink(PipelineConnector)
    }

    public var name: String
    public var source: PipelineConnector
    public var output: Output
    /// The topic between source and output, when the configuration names it.
    public var topic: String?

    public init(name: String, source: PipelineConnector, output: Output, topic: String?) {
        self.name = name
        self.source = source
        self.output = output
        self.topic = topic
    }

    /// Reads and validates a pipeline file's text; `defaultName` names it when it has no `name:`.
    public init(yaml text: String, defaultName: String) throws(ConnectPipelineError) {
        let document: YAMLDocument
        do {
            document = try YAMLDocument(parsing: text)
        } catch {
            throw ConnectPipelineError(error)
        }
        self = try PipelineReader(document: document).read(defaultName: defaultName)
    }

    /// The name a pipeline file gives when it has no `name:`: its file name without directory and
    /// `.yaml`/`.yml` extension.
    public static func defaultName(forFile path: String) -> String {
        var name = String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? "")
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) && name.count > suffix.count {
            name.removeLast(suffix.count)
            break
        }
        return name
    }
}
