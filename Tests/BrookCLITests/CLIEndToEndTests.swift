import BrookClient
import Foundation
import NIOCore
import XCTest

/// The `brook` binary against a real broker: golden output for formats, JSON for scripts, exit codes.
final class CLIEndToEndTests: XCTestCase {
    /// Seeds `topic` (1 partition) with three records of fixed timestamps through BrookClient.
    private func seed(_ harness: CLIHarness, topic: String) async throws {
        let client = ClientConfig(bootstrapServers: [BrokerAddress(host: "127.0.0.1", port: harness.port)])
        let producer = try KafkaProducer(config: ProducerConfig(client: client))
        let records = [
            ProducerRecord(topic: topic, key: "k1", value: "hello", headers: [KafkaHeader(key: "h", value: ByteBuffer(string: "1"))], timestamp: 1_700_000_000_000),
            ProducerRecord(topic: topic, key: nil, value: "no key", timestamp: 1_700_000_001_000),
            ProducerRecord(topic: topic, key: "k3", value: nil, timestamp: 1_700_000_002_000),
        ]
        for record in records { _ = try await producer.send(record) }
        await producer.close()
    }

    func testConsumeFormatsGolden() async throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        try await seed(harness, topic: "golden")
        let formatted = try harness.run(["consume", "golden", "-e", "-f", "%t/%p/%o %T key=%k value=%v headers=%h\\n"])
        XCTAssertEqual(formatted.status, 0, formatted.stderr)
        XCTAssertEqual(formatted.stdout, """
            golden/0/0 1700000000000 key=k1 value=hello headers=h=1
            golden/0/1 1700000001000 key= value=no key headers=
            golden/0/2 1700000002000 key=k3 value= headers=

            """)

        let json = try harness.run(["consume", "golden", "-e", "--json", "-o", "1"])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(json.stdout, """
            {"headers":[],"key":null,"offset":1,"partition":0,"timestamp":1700000001000,"timestamp_type":"CreateTime","topic":"golden","value":"no key"}
            {"headers":[],"key":"k3","offset":2,"partition":0,"timestamp":1700000002000,"timestamp_type":"CreateTime","topic":"golden","value":null}

            """)

        let defaultFormat = try harness.run(["consume", "golden", "-n", "1", "-o", "-3"])
        XCTAssertEqual(defaultFormat.stdout, "hello\n")
        let fromTime = try harness.run(["consume", "golden", "-e", "-o", "@1700000000500", "-f", "%o\\n"])
        XCTAssertEqual(fromTime.stdout, "1\n2\n")
        let afterStart = try harness.run(["consume", "golden", "-e", "-o", "+2", "-f", "%o\\n"])
        XCTAssertEqual(afterStart.stdout, "2\n")
    }

    func testProduceLinesKeysHeadersTombstonesAndPartitions() throws {
        let harness = try CLIHarness(settings: ["num.partitions": "2"])
        defer { harness.stop() }
        let produced = try harness.run(["produce", "lines", "-K", "::", "-H", "src=cli", "-Z", "-p", "1"],
                                       stdin: "a::one\nb::\nno separator\n")
        XCTAssertEqual(produced.status, 0, produced.stderr)
        XCTAssertEqual(produced.stderr, "produced 3 record(s) to lines\n")
        let read = try harness.run(["consume", "lines", "-e", "-p", "1", "--json"])
        let objects = try read.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        XCTAssertEqual(objects.count, 3)
        XCTAssertEqual(objects.map { $0["key"] as? String }, ["a", "b", nil])
        XCTAssertEqual(objects[0]["value"] as? String, "one")
        XCTAssertTrue(objects[1]["value"] is NSNull, "-Z: an empty value is a tombstone")
        XCTAssertEqual(objects[2]["value"] as? String, "no separator")
        XCTAssertTrue(objects.allSatisfy { ($0["headers"] as? [[String: Any]])?.first?["value"] as? String == "cli" })
        let empty = try harness.run(["consume", "lines", "-e", "-p", "0"])
        XCTAssertEqual(empty.stdout, "", "everything went to partition 1")
    }

    func testProduceFromFileWithCompression() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let file = harness.dataDir.appendingPathComponent("input.txt")
        try (1...100).map { "line \($0)" }.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        for codec in ["gzip", "snappy", "lz4", "zstd"] {
            let produced = try harness.run(["produce", "file-\(codec)", "--file", file.path, "-z", codec])
            XCTAssertEqual(produced.status, 0, produced.stderr)
            let read = try harness.run(["consume", "file-\(codec)", "-e"])
            XCTAssertEqual(read.stdout.split(separator: "\n").count, 100, codec)
            XCTAssertTrue(read.stdout.hasSuffix("line 100\n"))
        }
    }

    func testTopicCommandsAndJSON() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let created = try harness.run(["topic", "create", "t1", "-p", "3"])
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertEqual(created.stdout, "created topic t1\n")
        let again = try harness.run(["topic", "create", "t1", "-p", "3"])
        XCTAssertEqual(again.status, 1)
        XCTAssertEqual(again.stderr, "brook: error: create topic t1: TOPIC_ALREADY_EXISTS (Topic 't1' already exists.)\n")
        XCTAssertEqual(try harness.run(["topic", "create", "t1", "--if-not-exists"]).status, 0)

        let list = try harness.run(["topic", "list", "--json"])
        XCTAssertEqual(list.stdout, #"[{"internal":false,"name":"t1","partitions":3}]"# + "\n")
        let table = try harness.run(["topic", "list"])
        XCTAssertEqual(table.stdout, "TOPIC  PARTITIONS\nt1     3\n")

        let describe = try harness.run(["topic", "describe", "t1", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(describe.stdout.utf8)) as? [[String: Any]])?.first)
        XCTAssertEqual((document["partitions"] as? [[String: Any]])?.map { $0["end_offset"] as? Int }, [0, 0, 0])

        let missing = try harness.run(["topic", "describe", "nope"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "brook: error: no such topic: nope\n")
    }

    func testClusterInfoAndExitCodes() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let info = try harness.run(["cluster", "info", "--json"])
        XCTAssertEqual(info.status, 0)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(info.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((document["brokers"] as? [[String: Any]])?.first?["port"] as? Int, harness.port)

        let unreachable = try harness.run(["topic", "list", "-b", "127.0.0.1:\(try CLIHarness.freePort())", "-X", "default.api.timeout.ms=200"], withBrokers: false)
        XCTAssertEqual(unreachable.status, 3)
        XCTAssertTrue(unreachable.stderr.hasPrefix("brook: error: no broker reachable at 127.0.0.1:"), unreachable.stderr)
        XCTAssertEqual(unreachable.stderr.split(separator: "\n").count, 1, "one line, no stack trace")

        let badProperty = try harness.run(["topic", "list", "-X", "no.such.property=1"])
        XCTAssertEqual(badProperty.status, 64)
        let badOffset = try harness.run(["consume", "x", "-o", "soon"])
        XCTAssertEqual(badOffset.status, 64)
        XCTAssertEqual(badOffset.stderr, "brook: error: bad offset 'soon': use start, end, N, -N, +N, @timestamp or @-1h\n")
        let noPartition = try harness.run(["produce", "x", "-p", "5"], stdin: "a\n")
        XCTAssertNotEqual(noPartition.status, 0)
    }

    func testEnvironmentSuppliesTheBrokers() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        setenv("BROOK_BROKERS", harness.bootstrap, 1)
        defer { unsetenv("BROOK_BROKERS") }
        let listed = try harness.run(["topic", "list"], withBrokers: false)
        XCTAssertEqual(listed.status, 0, listed.stderr)
    }

    func testBenchReportsThroughputAndLatency() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let produced = try harness.run(["bench", "produce", "bench", "-n", "20000", "-s", "64", "--json"])
        XCTAssertEqual(produced.status, 0, produced.stderr)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(produced.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["delivered"] as? Int, 20000)
        XCTAssertGreaterThan(summary["records_per_second"] as? Double ?? 0, 0)
        XCTAssertNotNil((summary["latency_ms"] as? [String: Any])?["p99"])
        let consumed = try harness.run(["bench", "consume", "bench", "--json"])
        let read = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(consumed.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(read["records"] as? Int, 20000)
        XCTAssertEqual(read["bytes"] as? Int, 20000 * 64)
    }

    func testGroupSeekIsADryRunUnlessExecuted() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let probe = try harness.run(["group", "list"])
        guard probe.status == 0 else { throw XCTSkip("the broker does not implement consumer groups yet: \(probe.stderr)") }
        _ = try harness.run(["produce", "seekme"], stdin: "a\nb\nc\n")
        _ = try harness.run(["consume", "seekme", "-g", "g1", "-o", "start", "-e"])
        let dry = try harness.run(["group", "seek", "g1", "--topic", "seekme", "--to", "start"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stderr.contains("dry run"))
        let before = try harness.run(["group", "describe", "g1", "--json"])
        XCTAssertTrue(before.stdout.contains(#""committed":3"#), before.stdout)
        XCTAssertEqual(try harness.run(["group", "seek", "g1", "--topic", "seekme", "--to", "start", "--execute"]).status, 0)
        let after = try harness.run(["group", "describe", "g1", "--json"])
        XCTAssertTrue(after.stdout.contains(#""committed":0"#), after.stdout)
    }

    func testTopicAlterConfigAddPartitionsAndDelete() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let probe = try harness.run(["cluster", "info", "--api-versions"])
        for api in ["IncrementalAlterConfigs", "CreatePartitions", "DeleteTopics", "DescribeConfigs"] where !probe.stdout.contains(api) {
            throw XCTSkip("the broker does not implement \(api) yet")
        }
        XCTAssertEqual(try harness.run(["topic", "create", "cfg", "-p", "1"]).status, 0)
        let altered = try harness.run(["topic", "alter-config", "cfg", "--set", "retention.ms=5000"])
        XCTAssertEqual(altered.status, 0, altered.stderr)
        XCTAssertEqual(altered.stdout, "altered 1 config(s) of topic cfg\n")
        let configs = try harness.run(["topic", "describe", "cfg", "--configs", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(configs.stdout.utf8)) as? [[String: Any]])?.first)
        let retention = (document["configs"] as? [[String: Any]])?.first { $0["name"] as? String == "retention.ms" }
        XCTAssertEqual(retention?["value"] as? String, "5000")
        XCTAssertEqual(retention?["source"] as? String, "DYNAMIC_TOPIC_CONFIG")
        let grown = try harness.run(["topic", "add-partitions", "cfg", "--total", "3"])
        XCTAssertEqual(grown.stdout, "topic cfg now has 3 partitions\n")
        let shrink = try harness.run(["topic", "add-partitions", "cfg", "--total", "2"])
        XCTAssertEqual(shrink.status, 1)
        XCTAssertTrue(shrink.stderr.hasPrefix("brook: error: add partitions to cfg: INVALID_PARTITIONS"), shrink.stderr)
        let deleted = try harness.run(["topic", "delete", "cfg"])
        XCTAssertEqual(deleted.stdout, "deleted topic cfg\n")
        let gone = try harness.run(["topic", "delete", "cfg"])
        XCTAssertEqual(gone.status, 2)
    }
}
