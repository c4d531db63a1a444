import BrookSchemas

/// Turns a read YAML document into a validated `ConnectPipeline`, every refusal pointing at a line.
struct PipelineReader {
    let document: YAMLDocument

    private static let sections = ["name", "input", "transforms", "output"]
    /// The output that is a topic rather than a sink connector.
    private static let kafkaOutput = "kafka"

    /// A connector as written under `input:` or `output:`: its class and its configuration members.
    private struct ConnectorSection {
        var className: String
        var classPath: YAMLPath
        var members: [(String, JSONValue)]
        var membersPath: YAMLPath
        var sectionPath: YAMLPath
    }

    private func position(_ path: YAMLPath) -> YAMLPosition {
        document.location(of: path)?.start ?? YAMLPosition(line: 1, column: 1)
    }

    private func fail(_ path: YAMLPath, _ message: String) -> ConnectPipelineError {
        ConnectPipelineError(position: position(path), message: message)
    }

    func read(defaultName: String) throws(ConnectPipelineError) -> ConnectPipeline {
        guard case let .object(members) = document.root else {
            throw fail(.root, "expected a mapping with 'input' and 'output' sections, found \(PipelineConfigBuilder.kind(document.root))")
        }
        for (key, _) in members where !Self.sections.contains(key) {
            throw fail(YAMLPath([.key(key)]), "unknown top-level key '\(key)'; expected name, input, transforms or output")
        }
        let name = try pipelineName(default: defaultName)
        let root = document.root
        guard root["input"] != nil else { throw fail(.root, "expected an 'input' section, found none") }
        guard root["output"] != nil else { throw fail(.root, "expected an 'output' section, found none") }

        let input = try connectorSection(YAMLPath([.key("input")]), role: "input")
        if input.className == Self.kafkaOutput {
            throw fail(input.classPath, "expected a source connector class under 'input', found 'kafka' (kafka is an output)")
        }
        var transforms: (items: [JSONValue], path: YAMLPath)?
        let transformsPath = YAMLPath([.key("transforms")])
        switch root["transforms"] {
        case nil, .null?: break
        case let .array(items)?: transforms = (items, transformsPath)
        case let other?:
            throw ConnectPipelineError(position: document.location(of: transformsPath)?.value ?? position(transformsPath),
                                       message: "expected a list of transforms, found \(PipelineConfigBuilder.kind(other))")
        }
        var source = try connector(input, name: name, transforms: transforms)

        let outputSection = try connectorSection(YAMLPath([.key("output")]), role: "output")
        let sourceTopic = source.config["topic"]
        if outputSection.className == Self.kafkaOutput {
            let (topic, topicPath) = try kafkaTopic(outputSection)
            if let sourceTopic, sourceTopic != topic {
                throw fail(topicPath, "expected the output topic to be the input's topic '\(sourceTopic)' "
                    + "(line \(source.keyPositions["topic"]?.line ?? 1)), found '\(topic)'")
            }
            if sourceTopic == nil {
                source.config["topic"] = topic
                source.keyPositions["topic"] = position(topicPath)
            }
            return ConnectPipeline(name: name, source: source, output: .topic(topic), topic: topic)
        }
        var sink = try connector(outputSection, name: name + "-sink", transforms: nil)
        if let topics = sink.config["topics"] {
            if let sourceTopic, !ConnectConfigReader.parseList(topics).contains(sourceTopic) {
                throw ConnectPipelineError(position: sink.keyPositions["topics"] ?? position(outputSection.classPath),
                                           message: "expected the output's topics to include the input's topic '\(sourceTopic)' "
                                               + "(line \(source.keyPositions["topic"]?.line ?? 1)), found '\(topics)'")
            }
        } else if sink.config["topics.regex"] == nil {
            guard let sourceTopic else {
                throw fail(outputSection.classPath, "expected 'topics' under the output connector or a 'topic' in the input, "
                    + "to name the topic between them, found neither")
            }
            sink.config["topics"] = sourceTopic
            sink.keyPositions["topics"] = source.keyPositions["topic"]
        }
        return ConnectPipeline(name: name, source: source, output: .sink(sink), topic: sourceTopic)
    }

    private func pipelineName(default fallback: String) throws(ConnectPipelineError) -> String {
        let path = YAMLPath([.key("name")])
        let name: String
        switch document.root["name"] {
        case nil: name = fallback
        case let .string(text)?: name = text
        case let .number(literal)?: name = literal
        case let other?:
            throw ConnectPipelineError(position: document.location(of: path)?.value ?? position(path),
                                       message: "expected a pipeline name, found \(PipelineConfigBuilder.kind(other))")
        }
        // Connect's ConnectorConfig refuses empty names and ISO control characters.
        if name.allSatisfy(\.isWhitespace) || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw fail(document.root["name"] == nil ? .root : path,
                       "expected a pipeline name that is not empty and has no control characters, found '\(name.debugDescription.dropFirst().dropLast())'")
        }
        return name
    }

    /// `Class: {config}` (one key) or the long form `{type: Class, …config}`.
    private func connectorSection(_ path: YAMLPath, role: String) throws(ConnectPipelineError) -> ConnectorSection {
        let example = role == "input" ? "FileStreamSource: {file: in.txt, topic: lines}" : "kafka: {topic: orders}"
        guard let value = lookup(path) else {
            throw fail(.root, "expected an '\(role)' section, found none")
        }
        guard case let .object(members) = value else {
            throw fail(path, "expected one connector class under '\(role)' (e.g. \(example)), found \(PipelineConfigBuilder.kind(value))")
        }
        if let type = value["type"] {
            let typePath = path.appending(key: "type")
            guard case let .string(className) = type, !className.isEmpty else {
                throw fail(typePath, "expected a connector class name, found \(PipelineConfigBuilder.kind(type))")
            }
            return ConnectorSection(className: className, classPath: typePath, members: members.filter { $0.0 != "type" },
                                    membersPath: path, sectionPath: path)
        }
        guard let (className, config) = members.first else {
            throw fail(path, "expected one connector class under '\(role)' (e.g. \(example)), found none")
        }
        if members.count > 1 {
            throw fail(path.appending(key: members[1].0),
                       "expected one connector class under '\(role)', found a second key '\(members[1].0)' after '\(className)'")
        }
        let classPath = path.appending(key: className)
        switch config {
        case .null:
            return ConnectorSection(className: className, classPath: classPath, members: [], membersPath: classPath, sectionPath: path)
        case let .object(inner):
            return ConnectorSection(className: className, classPath: classPath, members: inner, membersPath: classPath, sectionPath: path)
        case .string where className == Self.kafkaOutput:
            return ConnectorSection(className: className, classPath: classPath, members: [("topic", config)], membersPath: path, sectionPath: path)
        default:
            throw ConnectPipelineError(position: document.location(of: classPath)?.value ?? position(classPath),
                                       message: "expected the configuration of '\(className)' as a mapping, found \(PipelineConfigBuilder.kind(config))")
        }
    }

    private func lookup(_ path: YAMLPath) -> JSONValue? {
        var value = document.root
        for component in path.components {
            switch component {
            case let .key(key): guard let next = value[key] else { return nil }
                value = next
            case let .index(index): guard let items = value.arrayValue, items.indices.contains(index) else { return nil }
                value = items[index]
            }
        }
        return value
    }

    /// `kafka: {topic: t}` or `kafka: t`.
    private func kafkaTopic(_ section: ConnectorSection) throws(ConnectPipelineError) -> (String, YAMLPath) {
        for (key, _) in section.members where key != "topic" {
            throw fail(section.membersPath.appending(key: key), "unknown key '\(key)' for the kafka output; expected 'topic'")
        }
        let topicPath = section.membersPath.appending(key: "topic")
        guard let topic = section.members.first(where: { $0.0 == "topic" })?.1 else {
            throw fail(section.classPath, "expected a 'topic' for the kafka output, found none")
        }
        guard let name = PipelineConfigBuilder(document: document).scalarText(topic), !name.isEmpty, topic.boolValue == nil else {
            throw fail(topicPath, "expected a topic name, found \(PipelineConfigBuilder.kind(topic))")
        }
        return (name, topicPath)
    }

    /// The connector's flat configuration: name, class, its keys, then its transforms.
    private func connector(_ section: ConnectorSection, name: String,
                           transforms: (items: [JSONValue], path: YAMLPath)?) throws(ConnectPipelineError) -> PipelineConnector {
        var builder = PipelineConfigBuilder(document: document)
        var ownTransforms: (items: [JSONValue], path: YAMLPath)?
        var members: [(String, JSONValue)] = []
        for (key, value) in section.members {
            let keyPath = section.membersPath.appending(key: key)
            if key == "connector.class" || (key == "connector" && value["class"] != nil) {
                throw fail(keyPath, "unexpected 'connector.class': the connector class is '\(section.className)', given by its key")
            }
            if key == "transforms", case let .array(items) = value {
                if let transforms {
                    throw fail(keyPath, "unexpected 'transforms' here: the pipeline's 'transforms' (line \(position(transforms.path).line)) "
                        + "already apply to this connector")
                }
                ownTransforms = (items, keyPath)
            } else {
                members.append((key, value))
            }
        }
        try builder.flatten(members, at: section.membersPath, prefix: "")
        let connectorName = builder.config["name"] ?? name
        if builder.config["name"] == nil { try builder.set("name", connectorName, at: position(section.classPath)) }
        try builder.set("connector.class", section.className, at: position(section.classPath))
        if let list = transforms ?? ownTransforms, !list.items.isEmpty {
            if builder.config["transforms"] != nil {
                throw fail(list.path, "unexpected transforms list: the connector already sets 'transforms' "
                    + "(line \(builder.positions["transforms"]?.line ?? 1))")
            }
            try builder.addTransforms(list.items, at: list.path)
        }
        try builder.validateTransforms()
        return PipelineConnector(name: connectorName, config: builder.config, keyPositions: builder.positions)
    }
}
