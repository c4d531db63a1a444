extension ConnectorPlugins {
    static let httpSink = ConnectorPlugin(
        className: "HttpSink", type: .sink, version: "1.0",
        keys: [
            .init("http.url", .string, required: true, importance: .high, group: "HTTP", "The http:// URL records are sent to."),
            .init("http.method", .string, default: "POST", importance: .medium, group: "HTTP", allowed: HttpSinkConfig.methods,
                  "The request method."),
            .init("http.headers", .string, default: "", importance: .medium, group: "HTTP",
                  "Headers sent with every request: Name:Value pairs separated by |."),
            .init("batch.max.size", .int, default: "100", importance: .medium, group: "HTTP", minimum: 1,
                  "The most records one request carries."),
            .init("batch.json.as.array", .boolean, default: "true", importance: .medium, group: "HTTP",
                  "true: one request per batch with a JSON array of the values; false: one request per record."),
            .init("retry.backoff.ms", .long, default: "3000", importance: .low, group: "HTTP", minimum: 0,
                  "The wait before retrying a request that failed with a 5xx answer or a connection error."),
            .init("max.retries", .int, default: "10", importance: .low, group: "HTTP", minimum: 0,
                  "How often a failed request is retried before the batch fails (retriably)."),
            .init("request.timeout.ms", .long, default: "30000", importance: .low, group: "HTTP", minimum: 1,
                  "The longest one request may take."),
        ],
        check: HttpSinkConfig.problems,
        tasks: .replicated(.sink { HttpSinkTask() }))

    static let httpSource = ConnectorPlugin(
        className: "HttpSource", type: .source, version: "1.0",
        keys: [
            .init("http.url", .string, required: true, importance: .high, group: "HTTP", "The http:// URL polled for records."),
            .init("topic", .string, required: true, importance: .high, group: "HTTP", "The topic records are written to."),
            .init("http.poll.interval.ms", .long, default: "10000", importance: .medium, group: "HTTP", minimum: 0,
                  "The time between the starts of two requests."),
            .init("http.response.records.path", .string, default: "", importance: .medium, group: "HTTP",
                  "A dotted path to the JSON array of records in a response; empty: the whole body is the array."),
            .init("cursor.field", .string, default: "", importance: .medium, group: "HTTP",
                  "A field of each record whose last value is the offset; the next request asks for what comes after it."),
            .init("cursor.param", .string, default: "since", importance: .low, group: "HTTP",
                  "The query parameter that carries the last cursor."),
            .init("key.field", .string, default: "", importance: .low, group: "HTTP", "A field of each record used as its key (as a string)."),
            .init("request.timeout.ms", .long, default: "30000", importance: .low, group: "HTTP", minimum: 1,
                  "The longest one request may take."),
        ],
        check: HttpSourceConfig.problems,
        tasks: .single(.source { HttpSourceTask() }))
}
