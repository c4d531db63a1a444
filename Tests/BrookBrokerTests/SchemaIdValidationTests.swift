@testable import BrookBroker
import BrookProtocol
import BrookRecords
import NIOCore
import XCTest

/// `confluent.value.schema.validation` / `confluent.key.schema.validation`: Produce names each record
/// whose key or value does not carry a schema id registered under the topic's subject.
final class SchemaIdValidationTests: XCTestCase {
    private struct Registry: SchemaIdLookup {
        var subjects: [Int32: Set<String>]
        var recordNames: [Int32: String] = [:]
        func subjects(ofSchemaId id: Int32) -> Set<String>? { subjects[id] }
        func recordName(ofSchemaId id: Int32) -> String? { recordNames[id] }
    }

    private let registry = Registry(subjects: [1: ["orders-value"], 2: ["payments-value"], 3: ["orders-key"]])

    private func framed(_ id: Int32, _ payload: String = "x") -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(id)
        buffer.writeString(payload)
        return buffer
    }

    private func prepare(_ records: [(key: ByteBuffer?, value: ByteBuffer?)], _ overrides: [String: String],
                         lookup: (any SchemaIdLookup)?) throws -> Result<ProducedBatches, ProduceRefusal> {
        var builder = RecordBatchBuilder(codec: .lz4)
        for record in records { builder.append(key: record.key, value: record.value, timestamp: 1) }
        let slot = SchemaIdSlot()
        slot.install(lookup)
        let policy = ProducePolicy(resolver: TopicConfigResolver(broker: BrokerConfig()), overrides: overrides,
                                   maxDecompressedSize: 1 << 20, topic: "orders", schemaIdSlot: slot)
        return ProducedBatches.prepare(try builder.build(), policy: policy, partition: "orders-0", now: 1)
    }

    func testValuesMustNameASchemaRegisteredUnderTheTopicsSubject() throws {
        let result = try prepare([
            (nil, framed(1)),                       // registered under orders-value
            (nil, ByteBuffer(string: "plain json")),  // no wire format
            (nil, framed(99)),                      // unknown id
            (nil, framed(2)),                       // another topic's schema
            (ByteBuffer(string: "k"), nil),         // tombstone
        ], ["confluent.value.schema.validation": "true"], lookup: registry)
        guard case .failure(let refusal) = result else { return XCTFail("invalid records accepted") }
        XCTAssertEqual(refusal.code, .invalidRecord)
        XCTAssertEqual(refusal.recordErrors.map(\.batchIndex), [1, 2, 3])
        XCTAssertEqual(refusal.recordErrors.map(\.batchIndexErrorMessage), [
            "Record value has no schema id: expected the Schema Registry wire format (magic byte 0 and a 4-byte schema id) for subject orders-value.",
            "Record value names schema id 99, which is not registered in the Schema Registry.",
            "Record value names schema id 2, which is not registered under subject orders-value.",
        ])
    }

    func testValidRecordsPassAndKeysAreCheckedOnlyWhenAskedFor() throws {
        let records: [(key: ByteBuffer?, value: ByteBuffer?)] = [(framed(3), framed(1)), (ByteBuffer(string: "raw"), framed(1))]
        guard case .success = try prepare(records, ["confluent.value.schema.validation": "true"], lookup: registry) else {
            return XCTFail("valid values refused")
        }
        guard case .failure(let refusal) = try prepare(records, ["confluent.key.schema.validation": "true"], lookup: registry) else {
            return XCTFail("a raw key passed key validation")
        }
        XCTAssertEqual(refusal.recordErrors.map(\.batchIndex), [1])
        guard case .success = try prepare([(ByteBuffer(string: "raw"), ByteBuffer(string: "raw"))], [:], lookup: nil) else {
            return XCTFail("a topic without validation refused records")
        }
    }

    func testWithoutARegistryNothingIsVouchedFor() throws {
        guard case .failure(let refusal) = try prepare([(nil, framed(1))], ["confluent.value.schema.validation": "true"],
                                                       lookup: nil) else {
            return XCTFail("accepted without a registry")
        }
        XCTAssertEqual(refusal.code, .invalidRecord)
        XCTAssertTrue(refusal.recordErrors.first?.batchIndexErrorMessage?.contains("runs no Schema Registry") ?? false)
    }

    func testTheFlagIsATopicConfigWithKafkasBooleanRules() {
        let definition = TopicConfigCatalog.definitions.first { $0.name == "confluent.value.schema.validation" }
        XCTAssertEqual(definition?.defaultValue, "false")
        XCTAssertNotNil(definition?.problem(with: "yes"))
        XCTAssertNil(definition?.problem(with: "true"))
    }

    func testRecordNameStrategiesCheckTheSubjectNamedAfterTheSchemasRecord() throws {
        let registry = Registry(subjects: [10: ["shop.Order"], 11: ["orders-shop.Order"], 12: ["orders-value"], 13: ["nameless"]],
                                recordNames: [10: "shop.Order", 11: "shop.Order", 12: "shop.Order"])
        let records: [(key: ByteBuffer?, value: ByteBuffer?)] = [(nil, framed(10)), (nil, framed(11)), (nil, framed(12)), (nil, framed(13))]
        let messages = { (strategy: String) throws -> [Int: String] in
            let result = try self.prepare(records, ["confluent.value.schema.validation": "true",
                                                     "confluent.value.subject.name.strategy": strategy], lookup: registry)
            guard case .failure(let refusal) = result else { return [:] }
            return Dictionary(uniqueKeysWithValues: refusal.recordErrors.map { (Int($0.batchIndex), $0.batchIndexErrorMessage ?? "") })
        }
        let record = try messages("io.confluent.kafka.serializers.subject.RecordNameStrategy")
        XCTAssertEqual(Set(record.keys), [1, 2, 3])
        XCTAssertEqual(record[1], "Record value names schema id 11, which is not registered under subject shop.Order.")
        XCTAssertEqual(record[3], "Record value names schema id 13, which has no record name for RecordNameStrategy "
            + "(confluent.value.subject.name.strategy).")
        XCTAssertEqual(Set(try messages("TopicRecordNameStrategy").keys), [0, 2, 3])
        XCTAssertEqual(Set(try messages("TopicNameStrategy").keys), [0, 1, 3])
    }

    func testAnUnknownStrategyIsRefusedAsATopicConfig() {
        let definition = TopicConfigCatalog.definitions.first { $0.name == "confluent.value.subject.name.strategy" }
        XCTAssertEqual(definition?.defaultValue, "io.confluent.kafka.serializers.subject.TopicNameStrategy")
        XCTAssertNil(definition?.problem(with: "RecordNameStrategy"))
        XCTAssertNotNil(definition?.problem(with: "com.example.MyStrategy"))
        XCTAssertNotNil(SubjectNameStrategy(configValue: "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
        XCTAssertNil(SubjectNameStrategy(configValue: "com.example.MyStrategy"))
    }
}
