@testable import BrookConnect
import BrookSchemas
import Foundation

/// What the test tasks did, for assertions.
actor TaskJournal {
    private(set) var started: [[String: String]] = []
    private(set) var resumedFrom: [JSONValue?] = []
    private(set) var commits = 0
    private(set) var stops = 0
    private(set) var put: [ConnectRecord] = []
    private(set) var flushes: [Int] = []
    private(set) var putCalls = 0

    func start(_ config: [String: String], resumedFrom offset: JSONValue?) {
        started.append(config)
        resumedFrom.append(offset)
    }

    func commit() { commits += 1 }
    func stop() { stops += 1 }
    func put(_ records: [ConnectRecord]) { put += records }
    func putCalled() { putCalls += 1 }
    /// Records flushed: how many had been put when flush was called.
    func flush() { flushes.append(put.count) }
}

/// A source that counts: record n has key "k<n>", value "v<n>" (+ `value.padding` x's; null from `tombstones.from` on,
/// an int32 schema with a string value at `bad.at`), source partition {"source":"count"} and
/// offset {"n":n}. Resumes after the stored offset; `batch` records per poll; once `count`
/// records are out it idles.
actor CountingSource: SourceTask {
    static let partition: JSONValue = .object([("source", .string("count"))])

    private let journal: TaskJournal
    private var next: Int64 = 0
    private var count: Int64 = 0
    private var batch: Int64 = 5
    private var topic = ""
    private var tombstonesFrom = Int64.max
    private var badAt: Int64 = -1
    private var padding = ""

    init(journal: TaskJournal) {
        self.journal = journal
    }

    func start(config: [String: String], context: any SourceTaskContext) async throws {
        topic = config["topic"] ?? "counted"
        count = Int64(config["count"] ?? "10") ?? 10
        batch = Int64(config["batch"] ?? "5") ?? 5
        tombstonesFrom = Int64(config["tombstones.from"] ?? "") ?? .max
        badAt = Int64(config["bad.at"] ?? "") ?? -1
        padding = String(repeating: "x", count: Int(config["value.padding"] ?? "0") ?? 0)
        let stored = try await context.offset(for: Self.partition)
        if let n = stored?["n"]?.int64Value { next = n + 1 }
        await journal.start(config, resumedFrom: stored)
    }

    func poll() async throws -> [SourceRecord] {
        guard next < count else {
            try await Task.sleep(for: .milliseconds(50))
            return []
        }
        var records: [SourceRecord] = []
        while next < count, records.count < batch {
            let n = next
            next += 1
            var record = ConnectRecord(topic: topic, key: .string("k\(n)"), valueSchema: .primitive(.string), value: n >= tombstonesFrom ? .null : .string("v\(n)" + padding))
            if n >= tombstonesFrom { record.valueSchema = nil }
            if n == badAt {
                record.valueSchema = .primitive(.int32)
                record.value = .string("not an int")
            }
            records.append(SourceRecord(record: record, sourcePartition: Self.partition, sourceOffset: .object([("n", JSONValue(integer: n))])))
        }
        return records
    }

    func commit() async throws { await journal.commit() }
    func stop() async { await journal.stop() }
}

/// A sink that keeps what it is given. Records whose value is the string "errant" are reported
/// with `reportErrant`; `retriable.puts` first puts throw RetriableConnectError.
actor CollectingSink: SinkTask {
    private let journal: TaskJournal
    private var context: (any SinkTaskContext)?
    private var retriablePuts = 0

    init(journal: TaskJournal) {
        self.journal = journal
    }

    func start(config: [String: String], context: any SinkTaskContext) async throws {
        self.context = context
        retriablePuts = Int(config["retriable.puts"] ?? "0") ?? 0
        await journal.start(config, resumedFrom: nil)
    }

    func put(_ records: [ConnectRecord]) async throws {
        await journal.putCalled()
        if retriablePuts > 0 {
            retriablePuts -= 1
            throw RetriableConnectError("not now")
        }
        var kept: [ConnectRecord] = []
        for record in records {
            if record.value == .string("errant") {
                try await context?.reportErrant(record, error: ConnectDataError("the sink cannot write \(record.value)"))
            } else {
                kept.append(record)
            }
        }
        await journal.put(kept)
    }

    func flush() async throws { await journal.flush() }
    func stop() async { await journal.stop() }
}

/// A source that breaks the poll contract: it returns nothing at once, every time.
actor ImpatientSource: SourceTask {
    private(set) var polls = 0

    func start(config: [String: String], context: any SourceTaskContext) async throws {}

    func poll() async throws -> [SourceRecord] {
        polls += 1
        return []
    }

    func stop() async {}
}
