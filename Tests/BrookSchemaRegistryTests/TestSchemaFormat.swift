import XCTest
@testable import BrookSchemaRegistry
import BrookSchemas

/// A stand-in schema type so registry tests need no real parser: a JSON object with `fields`
/// (names) and optional `required` (names a reader needs from the writer) and `uses` (reference
/// names that must be resolved). Canonical text is compact JSON; normalized text sorts members.
struct TestSchema: ParsedSchema {
    var json: JSONValue
    var schemaType: SchemaType
    var canonicalString: String { json.compactText }
    func normalized() -> String { json.sortedText }

    var fields: Set<String> { Set(json["fields"]?.arrayValue?.compactMap(\.stringValue) ?? []) }
    var required: [String] { json["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] }

    func compatibilityIssues(readingDataWrittenWith writer: any ParsedSchema) -> [CompatibilityIssue] {
        let written = (writer as! TestSchema).fields
        return required.filter { !written.contains($0) }.map {
            CompatibilityIssue(errorType: "READER_FIELD_MISSING_DEFAULT_VALUE", path: "/fields/\($0)", detail: "\($0) has no default")
        }
    }

    static let parse: SchemaParser = { text, type, references throws(InvalidSchemaError) in
        guard let json = try? JSONParser.parse(text), json["fields"]?.arrayValue != nil else {
            throw InvalidSchemaError("not a test schema: \(text)")
        }
        let resolved = Set(references.map(\.reference.name))
        for name in json["uses"]?.arrayValue?.compactMap(\.stringValue) ?? [] where !resolved.contains(name) {
            throw InvalidSchemaError("unresolved reference \(name)")
        }
        return TestSchema(json: json, schemaType: type)
    }
}

/// Drives a `RegistryState` the way the service does: each command's records go through the codec
/// and back in through `apply`.
struct StateHarness {
    var state = RegistryState(parse: TestSchema.parse)
    var log: [RegistryLogRecord] = []

    @discardableResult
    mutating func run<R>(_ command: (RegistryState) throws(RegistryError) -> RegistryWrite<R>) throws(RegistryError) -> R {
        let write = try command(state)
        for record in write.records {
            let encoded = SchemaRecordCodec.encode(record)
            log.append(encoded)
            state.apply(encoded)
        }
        return write.response
    }

    @discardableResult
    mutating func register(_ subject: String, _ schema: String, type: SchemaType = .avro, references: [SchemaReference] = [],
                           normalize: Bool = false) throws(RegistryError) -> RegisterResult {
        try run { state throws(RegistryError) in
            try state.register(subject: subject, request: RegisterRequest(schema: schema, schemaType: type, references: references), normalize: normalize)
        }
    }

    /// The state a fresh registry reaches by replaying the log.
    func replayed() -> RegistryState {
        var fresh = RegistryState(parse: TestSchema.parse)
        for record in log { fresh.apply(record) }
        return fresh
    }
}

func assertRegistryError<T>(_ code: Int, _ body: () throws(RegistryError) -> T, file: StaticString = #filePath, line: UInt = #line) {
    do {
        let value = try body()
        XCTFail("expected error \(code), got \(value)", file: file, line: line)
    } catch {
        XCTAssertEqual(error.errorCode, code, error.message, file: file, line: line)
    }
}


