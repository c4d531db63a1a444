@testable import BrookConnect
import BrookRegistryClient
import XCTest

/// Worker properties and the converters a task ends up with (connector settings over the worker's).
final class WorkerSettingsTests: XCTestCase {
    private let noRegistry: (String) throws -> any SchemaRegistryLookups = { url in
        throw ConnectConfigError(key: "schema.registry.url", message: "no registry at \(url)")
    }

    func testWorkerDefaultsAndOverrides() throws {
        let defaults = try WorkerSettings(workerConfig: [:])
        XCTAssertEqual(defaults, WorkerSettings())
        XCTAssertEqual(defaults.groupID, "connect-cluster")
        XCTAssertEqual(defaults.offsetFlushIntervalMs, 10_000)
        XCTAssertEqual(defaults.offsetFlushTimeoutMs, 5_000)
        XCTAssertFalse(defaults.exactlyOnceSource)
        let set = try WorkerSettings(workerConfig: ["group.id": "etl", "offset.flush.interval.ms": "250", "exactly.once.source.support": "Enabled"])
        XCTAssertEqual(set.groupID, "etl")
        XCTAssertEqual(set.offsetFlushIntervalMs, 250)
        XCTAssertTrue(set.exactlyOnceSource)
        XCTAssertThrowsError(try WorkerSettings(workerConfig: ["exactly.once.source.support": "sometimes"]))
        XCTAssertThrowsError(try WorkerSettings(workerConfig: ["offset.flush.interval.ms": "often"]))
    }

    func testConvertersComeFromTheConnectorElseTheWorkerElseJsonConverter() async throws {
        let none = try WorkerConverters(connectorConfig: [:], workerConfig: [:], registry: noRegistry)
        XCTAssertEqual(none.keyClass, "org.apache.kafka.connect.json.JsonConverter")
        XCTAssertEqual(none.headerClass, "org.apache.kafka.connect.storage.SimpleHeaderConverter")
        // Kafka's shipped worker default: schemas.enable=true, so a schemaless key gets the envelope.
        let enveloped = try await none.key.fromConnectData(topic: "t", schema: nil, value: .string("k"))
        XCTAssertEqual(enveloped.map { String(decoding: $0, as: UTF8.self) }, #"{"schema":null,"payload":"k"}"#)

        let worker = ["value.converter": "org.apache.kafka.connect.json.JsonConverter", "value.converter.schemas.enable": "false",
                      "key.converter": "StringConverter"]
        let fromWorker = try WorkerConverters(connectorConfig: [:], workerConfig: worker, registry: noRegistry)
        XCTAssertEqual(fromWorker.keyClass, "org.apache.kafka.connect.storage.StringConverter")
        let plain = try await fromWorker.value.fromConnectData(topic: "t", schema: nil, value: .string("v"))
        XCTAssertEqual(plain.map { String(decoding: $0, as: UTF8.self) }, #""v""#)

        // The connector's converter class brings its own settings; the worker's prefixed ones do not apply.
        let connector = ["value.converter": "org.apache.kafka.connect.json.JsonConverter"]
        let fromConnector = try WorkerConverters(connectorConfig: connector, workerConfig: worker, registry: noRegistry)
        let wrapped = try await fromConnector.value.fromConnectData(topic: "t", schema: nil, value: .string("v"))
        XCTAssertEqual(wrapped.map { String(decoding: $0, as: UTF8.self) }, #"{"schema":null,"payload":"v"}"#)
        XCTAssertEqual(fromConnector.keyClass, "org.apache.kafka.connect.storage.StringConverter", "the key still comes from the worker")

        XCTAssertThrowsError(try WorkerConverters(connectorConfig: ["key.converter": "NoSuchConverter"], workerConfig: [:], registry: noRegistry)) {
            XCTAssertEqual(($0 as? ConnectConfigError)?.key, "key.converter")
        }
        XCTAssertThrowsError(try WorkerConverters(connectorConfig: ["value.converter": "io.confluent.connect.avro.AvroConverter"],
                                                  workerConfig: [:], registry: noRegistry)) {
            XCTAssertEqual(($0 as? ConnectConfigError)?.key, "value.converter.schema.registry.url")
        }
    }
}
