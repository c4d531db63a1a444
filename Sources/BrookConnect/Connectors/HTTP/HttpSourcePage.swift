import BrookSchemas

/// One response of the HTTP source turned into records (sans-IO): the JSON array found at
/// `http.response.records.path`, one record per element (value: the element as schemaless Connect
/// data, key: its `key.field` as a string), each with the source offset `{"cursor": …}` of the
/// last cursor seen up to and including it.
struct HttpSourcePage {
    var records: [SourceRecord] = []
    /// The cursor after the page: the last element's `cursor.field`, or the one before the page.
    var cursor: JSONValue?

    /// Why a response cannot be read.
    struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        var description: String
    }

    private static let reader = JsonValueReader(config: JsonConverterConfig(schemasEnabled: false))

    init(body: [UInt8], config: HttpSourceConfig, cursor previous: JSONValue?) throws(Invalid) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw Invalid(description: "the response of \(config.urlText) is not JSON: \(error)")
        }
        var node = document
        for (depth, name) in config.recordsPath.enumerated() {
            guard let child = node[name] else {
                let at = config.recordsPath[...depth].joined(separator: ".")
                throw Invalid(description: "the response of \(config.urlText) has no \"\(at)\" (http.response.records.path)")
            }
            node = child
        }
        guard let elements = node.arrayValue else {
            let at = config.recordsPath.isEmpty ? "the response body" : "\"\(config.recordsPath.joined(separator: "."))\""
            throw Invalid(description: "\(at) of \(config.urlText) is not a JSON array")
        }
        cursor = previous
        let partition = JSONValue.object([("url", .string(config.urlText))])
        for element in elements {
            let value: ConnectValue
            do {
                value = try Self.reader.value(schema: nil, json: element)
            } catch {
                throw Invalid(description: "an element of the response of \(config.urlText) cannot be read: \(error)")
            }
            if let field = config.cursorField, let next = element[field], next != .null { cursor = next }
            var record = ConnectRecord(topic: config.topic, valueSchema: nil, value: value)
            if let field = config.keyField {
                record.keySchema = .optionalString
                record.key = element[field].flatMap(Self.text).map(ConnectValue.string) ?? .null
            }
            records.append(SourceRecord(record: record, sourcePartition: cursor == nil ? nil : partition,
                                        sourceOffset: cursor.map { .object([("cursor", $0)]) }))
        }
    }

    /// A JSON scalar as query or key text: a string as it is, a number as written, other values
    /// as compact JSON; nil for null.
    static func text(_ json: JSONValue) -> String? {
        switch json {
        case .null: nil
        case let .string(s): s
        case let .number(n): n
        case let .bool(b): b ? "true" : "false"
        default: json.compactText
        }
    }
}

/// When the HTTP source fetches (sans-IO): at once on the first poll, then `http.poll.interval.ms`
/// after the start of the previous fetch; polls in between wait at most a second.
struct HttpPollSchedule: Sendable {
    let interval: Duration
    private(set) var nextFetch: ContinuousClock.Instant?

    init(interval: Duration) {
        self.interval = interval
    }

    /// nil: fetch now; otherwise how long this poll waits before returning nothing.
    func wait(now: ContinuousClock.Instant) -> Duration? {
        guard let nextFetch, nextFetch > now else { return nil }
        return min(nextFetch - now, .seconds(1))
    }

    mutating func fetched(startedAt: ContinuousClock.Instant) {
        nextFetch = startedAt + interval
    }
}
