import BrookSchemas

/// What the HTTP sink sends for a batch of records (sans-IO): the values as JSON the way
/// `JsonConverter` with `schemas.enable=false` writes them (structs and string-keyed maps as
/// objects, bytes as base64, a null value as `null`), grouped into requests of at most
/// `batch.max.size` records — one JSON array per request, or one value per request.
struct HttpSinkRequests {
    /// One request's body and the records it carries (reported together when it is rejected).
    struct Request: Sendable {
        var body: [UInt8]
        var records: [ConnectRecord]
    }

    var requests: [Request] = []
    /// Records whose value cannot be written as JSON (e.g. a struct that does not match its schema).
    var unrenderable: [(record: ConnectRecord, error: ConnectDataError)] = []

    private static let converter = JsonConverter(config: JsonConverterConfig(schemasEnabled: false))

    init(_ records: [ConnectRecord], batchMaxSize: Int, jsonArray: Bool) {
        var rendered: [(text: String, record: ConnectRecord)] = []
        for record in records {
            do {
                let json = try Self.converter.fromConnectJSON(schema: record.valueSchema, value: record.value) ?? .null
                rendered.append((JsonConverter.text(of: json), record))
            } catch {
                unrenderable.append((record, error))
            }
        }
        let size = jsonArray ? max(1, batchMaxSize) : 1
        var index = 0
        while index < rendered.count {
            let chunk = rendered[index..<min(index + size, rendered.count)]
            let text = jsonArray ? "[" + chunk.map(\.text).joined(separator: ",") + "]" : chunk.first!.text
            requests.append(Request(body: Array(text.utf8), records: chunk.map(\.record)))
            index += size
        }
    }
}
