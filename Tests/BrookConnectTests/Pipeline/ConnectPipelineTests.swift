import BrookConnect
import Foundation
import XCTest

final class ConnectPipelineTests: XCTestCase {
    private func pipeline(_ text: String, name: String = "file-name") throws -> ConnectPipeline {
        try ConnectPipeline(yaml: text, defaultName: name)
    }

    private func failure(_ text: String) -> String? {
        do {
            _ = try ConnectPipeline(yaml: text, defaultName: "p")
            return nil
        } catch {
            return error.description
        }
    }

    func testTheExamplePipelineFileBecomesConnectConfig() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("csv-orders.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let pipeline = try ConnectPipeline(yaml: text, defaultName: ConnectPipeline.defaultName(forFile: url.path))
        XCTAssertEqual(pipeline.name, "csv-orders")
        XCTAssertEqual(pipeline.output, .topic("orders"))
        XCTAssertEqual(pipeline.topic, "orders")
        XCTAssertEqual(pipeline.source.name, "csv-orders")
        XCTAssertEqual(pipeline.source.config, [
            "name": "csv-orders",
            "connector.class": "DesiredStateSource",
            "input": "csv",
            "path": "data/*.csv",
            "key.columns": "id",
            "topic": "orders",
            "transforms": "t1,hideEmail",
            "transforms.t1.type": "org.apache.kafka.connect.transforms.InsertField$Value",
            "transforms.t1.static.field": "origin",
            "transforms.t1.static.value": "csv",
            "transforms.hideEmail.type": "org.apache.kafka.connect.transforms.MaskField$Value",
            "transforms.hideEmail.fields": "email",
        ])
        XCTAssertEqual(pipeline.source.keyPositions["key.columns"]?.line, 7)
        XCTAssertEqual(pipeline.source.keyPositions["transforms.hideEmail.fields"]?.line, 14)
        XCTAssertEqual(pipeline.source.keyPositions["connector.class"]?.line, 3)
        // The desired-state source accepts the configuration the pipeline produced.
        XCTAssertNoThrow(try DesiredStateConfig(properties: pipeline.source.config))
    }

    func testShortAndLongTransformFormsGiveTheSameConfig() throws {
        let short = try pipeline("""
            input: {FileStreamSource: {file: in.txt, topic: lines}}
            transforms:
              - MaskField$Value: {fields: [email, phone], replacement: "***"}
              - Flatten$Value
            output: {kafka: lines}
            """)
        let long = try pipeline("""
            input:
              type: FileStreamSource
              file: in.txt
              topic: lines
            transforms:
              - type: MaskField$Value
                fields: email,phone
                replacement: '***'
              - type: org.apache.kafka.connect.transforms.Flatten$Value
            output:
              type: kafka
              topic: lines
            """)
        XCTAssertEqual(short.source.config, long.source.config)
        XCTAssertEqual(short.source.config["transforms"], "t1,t2")
        XCTAssertEqual(short.source.config["transforms.t1.fields"], "email,phone")
        XCTAssertEqual(short.source.config["transforms.t2.type"], "org.apache.kafka.connect.transforms.Flatten$Value")
        XCTAssertEqual(short.source.config["connector.class"], "FileStreamSource")
        XCTAssertEqual(short.name, "file-name")
    }

    func testNestedMappingsFlattenAndScalarsBecomeConnectStrings() throws {
        let result = try pipeline("""
            name: flat
            input:
              FileStreamSource:
                file: in.txt
                topic: t
                tasks: {max: 1}
                batch.size: 2000
                errors: {tolerance: all, log: {enable: true}}
                ratio: 0.5
            output:
              kafka: {topic: t}
            """)
        XCTAssertEqual(result.source.config["tasks.max"], "1")
        XCTAssertEqual(result.source.config["batch.size"], "2000")
        XCTAssertEqual(result.source.config["errors.tolerance"], "all")
        XCTAssertEqual(result.source.config["errors.log.enable"], "true")
        XCTAssertEqual(result.source.config["ratio"], "0.5")
        XCTAssertEqual(result.source.keyPositions["errors.log.enable"], YAMLPosition(line: 8, column: 36))
    }

    func testASinkOutputReadsTheSourceTopicAndKeepsItsOwnTransforms() throws {
        let result = try pipeline("""
            name: copy
            input:
              FileStreamSource: {file: in.txt, topic: lines}
            transforms:
              - RegexRouter: {regex: 'lines', replacement: 'ignored'}
                alias: route
            output:
              FileStreamSink:
                file: out.txt
                transforms:
                  - Filter:
                      predicate: {RecordIsTombstone: }
                      negate: true
            """)
        XCTAssertEqual(result.topic, "lines")
        XCTAssertEqual(result.source.config["transforms"], "route")
        XCTAssertEqual(result.source.config["transforms.route.regex"], "lines")
        guard case let .sink(sink) = result.output else { return XCTFail("expected a sink output") }
        XCTAssertEqual(sink.name, "copy-sink")
        XCTAssertEqual(sink.config, [
            "name": "copy-sink",
            "connector.class": "FileStreamSink",
            "file": "out.txt",
            "topics": "lines",
            "transforms": "t1",
            "transforms.t1.type": "org.apache.kafka.connect.transforms.Filter",
            "transforms.t1.predicate": "p1",
            "transforms.t1.negate": "true",
            "predicates": "p1",
            "predicates.p1.type": "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
        ])
        XCTAssertEqual(TransformationChain.build(from: sink.config).map(\.stages.count), .success(1))
    }

    func testAConnectorNameInTheConfigWins() throws {
        let result = try pipeline("input: {FileStreamSource: {name: legacy, file: a, topic: t}}\noutput: {FileStreamSink: {name: out, file: b, topics: t}}\n")
        XCTAssertEqual(result.source.name, "legacy")
        guard case let .sink(sink) = result.output else { return XCTFail("expected a sink output") }
        XCTAssertEqual(sink.name, "out")
    }

    func testRuntimeValidationErrorsCanPointAtTheKeyLine() throws {
        let result = try pipeline("name: ds\ninput:\n  DesiredStateSource:\n    input: xml\n    topic: t\noutput: {kafka: t}\n")
        do {
            _ = try DesiredStateConfig(properties: result.source.config)
            XCTFail("expected the desired-state source to refuse input xml")
        } catch let .invalidConfig(key, reason) {
            XCTAssertEqual(result.source.error(forKey: key, message: reason).position, YAMLPosition(line: 4, column: 5))
        } catch {
            XCTFail("unexpected \(error)")
        }
        XCTAssertEqual(result.source.error(forKey: "path", message: "missing").position, YAMLPosition(line: 3, column: 3))
    }

    func testTheDefaultNameIsTheFileNameWithoutExtension() {
        XCTAssertEqual(ConnectPipeline.defaultName(forFile: "/etc/brook/csv-orders.yaml"), "csv-orders")
        XCTAssertEqual(ConnectPipeline.defaultName(forFile: "copy.yml"), "copy")
        XCTAssertEqual(ConnectPipeline.defaultName(forFile: "plain"), "plain")
    }

    func testErrorsPointAtTheLineOfTheProblem() {
        let cases: [(String, String, UInt)] = [
            ("input: {A: {topic: t}}\noutput: {kafka: t}\nextra: 1\n",
             "line 3, column 1: unknown top-level key 'extra'; expected name, input, transforms or output", #line),
            ("name: x\noutput: {kafka: t}\n", "line 1, column 1: expected an 'input' section, found none", #line),
            ("input: {A: {topic: t}}\n", "line 1, column 1: expected an 'output' section, found none", #line),
            ("input:\n  A: {topic: t}\n  B: {file: x}\noutput: {kafka: t}\n",
             "line 3, column 3: expected one connector class under 'input', found a second key 'B' after 'A'", #line),
            ("input:\noutput: {kafka: t}\n",
             "line 1, column 1: expected one connector class under 'input' (e.g. FileStreamSource: {file: in.txt, topic: lines}), found nothing", #line),
            ("input: {A: {topic: t}}\noutput:\n  kafka: {topic: u}\n",
             "line 3, column 11: expected the output topic to be the input's topic 't' (line 1), found 'u'", #line),
            ("input: {A: {topic: t}}\noutput:\n  kafka: {topic: t, key: x}\n",
             "line 3, column 21: unknown key 'key' for the kafka output; expected 'topic'", #line),
            ("input:\n  A:\n    key.columns: id\n    key: {columns: id}\noutput: {kafka: t}\n",
             "line 4, column 11: duplicate configuration key 'key.columns' (also set on line 3)", #line),
            ("input:\n  A:\n    file:\noutput: {kafka: t}\n",
             "line 3, column 5: expected a value for 'file', found nothing (write \"\" for an empty string)", #line),
            ("input:\n  A:\n    connector.class: B\noutput: {kafka: t}\n",
             "line 3, column 5: unexpected 'connector.class': the connector class is 'A', given by its key", #line),
            ("input: {A: {file: x}}\noutput:\n  FileStreamSink: {file: y}\n",
             "line 3, column 3: expected 'topics' under the output connector or a 'topic' in the input, to name the topic between them, found neither", #line),
            ("input: {A: {topic: t}}\ntransforms:\n  - NoSuchThing: {x: 1}\noutput: {kafka: t}\n",
             "line 3, column 5: expected a transform class such as InsertField$Value, MaskField$Value or RegexRouter, found 'NoSuchThing'", #line),
            ("input: {A: {topic: t}}\ntransforms:\n  - type: MaskField$Value\n    replacement: x\noutput: {kafka: t}\n",
             "line 3, column 5: Missing required configuration \"transforms.t1.fields\" which has no default value.", #line),
            ("input: {A: {topic: t}}\ntransforms:\n  - {MaskField$Value: {fields: a}, Flatten$Value: }\noutput: {kafka: t}\n",
             "line 3, column 5: expected one transform class as the key (e.g. InsertField$Value: {static.field: origin}) or a 'type' key, found 2 keys: MaskField$Value, Flatten$Value", #line),
            ("input: {A: {topic: t}}\ntransforms:\n  - Flatten$Value\n  - type: Flatten$Key\n    alias: t1\noutput: {kafka: t}\n",
             "line 5, column 12: duplicate alias 't1'", #line),
            ("input: {A: {topic: t}}\ntransforms:\n  - Cast$Value: {spec: 'a:nope'}\noutput: {kafka: t}\n",
             "line 3, column 5: transforms.t1: Invalid type found in casting spec: nope", #line),
            ("input: {A: {topic: t}}\ntransforms: Flatten$Value\noutput: {kafka: t}\n",
             "line 2, column 13: expected a list of transforms, found 'Flatten$Value'", #line),
            ("input: {A: {topic: t, tags: [a, {b: c}]}}\noutput: {kafka: t}\n",
             "line 1, column 33: expected a scalar item in the list 'tags', found a mapping", #line),
            ("input: {A: {topic: t}}\noutput: {kafka: t}\nname: \"\"\n",
             "line 3, column 1: expected a pipeline name that is not empty and has no control characters, found ''", #line),
            ("input:\n  A:\n  - x\noutput: {kafka: t}\n",
             "line 3, column 3: expected the configuration of 'A' as a mapping, found a list", #line),
            ("input: {A: {topic: t}}\noutput: {kafka: t\n",
             "line 2, column 18: expected '}' to close the collection opened in column 9, found the end of the line (flow collections must fit on one line)", #line),
        ]
        for (text, expected, line) in cases {
            XCTAssertEqual(failure(text), expected, "reading \(text.debugDescription)", line: line)
        }
    }
}
