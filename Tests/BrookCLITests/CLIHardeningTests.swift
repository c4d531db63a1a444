import Foundation
import XCTest

/// The `brook` binary against a real broker: the defects a new user hit (issue 10, items 15–21).
final class CLIHardeningTests: XCTestCase {
    /// `-g G -n 10` must commit the offsets after the ten printed records, not after everything the
    /// consumer had fetched: a second run then resumes right after them (no record skipped or repeated).
    func testGroupConsumeWithCountCommitsExactlyWhatItPrinted() throws {
        let harness = try CLIHarness(settings: ["num.partitions": "3"])
        defer { harness.stop() }
        let lines = (0..<3000).map { "k\($0):v\($0)" }.joined(separator: "\n") + "\n"
        XCTAssertEqual(try harness.run(["produce", "counted", "-K", ":"], stdin: lines).status, 0)

        let first = try harness.run(["consume", "counted", "-g", "g15", "-o", "start", "-n", "10", "-f", "%p %o\\n"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let printed = first.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(printed.count, 10)

        var expected: [Int: Int] = [:]
        for line in printed {
            let parts = line.split(separator: " ").compactMap { Int($0) }
            expected[parts[0]] = max(expected[parts[0]] ?? 0, parts[1] + 1)
        }
        let described = try harness.run(["group", "describe", "g15", "--json"])
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(described.stdout.utf8)) as? [String: Any])
        var committed: [Int: Int] = [:]
        for entry in document["offsets"] as? [[String: Any]] ?? [] {
            if let partition = entry["partition"] as? Int, let offset = entry["committed"] as? Int { committed[partition] = offset }
        }
        for partition in 0..<3 {
            XCTAssertEqual(committed[partition] ?? 0, expected[partition] ?? 0, "partition \(partition): \(described.stdout)")
        }

        let rest = try harness.run(["consume", "counted", "-g", "g15", "-e", "-f", "%p %o\\n"])
        XCTAssertEqual(rest.status, 0, rest.stderr)
        let all = printed + rest.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(all.count, 3000, "the second run resumes after the printed records")
        XCTAssertEqual(Set(all).count, 3000, "no record printed twice")
    }

    /// Consumer properties are accepted without a group (the partition lookup used to refuse them).
    func testConsumerPropertiesWorkWithoutAGroup() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        XCTAssertEqual(try harness.run(["produce", "props"], stdin: "a\nb\nc\n").status, 0)
        let read = try harness.run(["consume", "props", "-e", "-X", "max.partition.fetch.bytes=1000",
                                    "-X", "fetch.max.wait.ms=100", "-X", "isolation.level=read_committed"])
        XCTAssertEqual(read.status, 0, read.stderr)
        XCTAssertEqual(read.stdout, "a\nb\nc\n")
        let bad = try harness.run(["consume", "props", "-e", "-X", "no.such.property=1"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertEqual(bad.stderr, "brook: error: unknown client property 'no.such.property' (-X)\n")
    }

    /// With or without -g, reading starts at the start unless -o says otherwise (as rpk does).
    func testANewGroupStartsAtTheStartUnlessToldOtherwise() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        XCTAssertEqual(try harness.run(["produce", "fresh"], stdin: "a\nb\nc\n").status, 0)
        let group = try harness.run(["consume", "fresh", "-g", "new-group", "-e"])
        XCTAssertEqual(group.status, 0, group.stderr)
        XCTAssertEqual(group.stdout, "a\nb\nc\n")
        let fromEnd = try harness.run(["consume", "fresh", "-g", "other-group", "-o", "end", "-e"])
        XCTAssertEqual(fromEnd.status, 0, fromEnd.stderr)
        XCTAssertEqual(fromEnd.stdout, "")
        let help = try harness.run(["consume", "--help"], withBrokers: false)
        let words = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(words.contains("a new group starts at the start"), help.stdout)
    }

    /// A group the coordinator does not know is "not found" (exit 2), not a Dead group with exit 0.
    func testDescribingAMissingGroupExitsNotFound() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        for extra in [[], ["--json"]] {
            let missing = try harness.run(["group", "describe", "nosuch"] + extra)
            XCTAssertEqual(missing.status, 2, missing.stdout)
            XCTAssertEqual(missing.stdout, "")
            XCTAssertEqual(missing.stderr, "brook: error: no such group: nosuch\n")
        }
    }

    /// A taken port names the address, and the data directory is not created.
    func testServeOnATakenPortNamesTheAddressAndCreatesNoDataDirectory() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("brook-cli-taken-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDir) }
        let second = try harness.run(["serve", "--listen", harness.bootstrap, "--data-dir", dataDir.path, "--log-level", "error"],
                                     withBrokers: false, timeout: 30)
        XCTAssertEqual(second.status, 1)
        XCTAssertEqual(second.stderr, "brook: error: cannot listen on \(harness.bootstrap): address already in use\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dataDir.path), "the data directory was created")
    }

    /// MESSAGE_TOO_LARGE says how large and which limit: the client's max.request.size or the topic's
    /// max.message.bytes.
    func testTooLargeRecordsSayTheSizeAndTheLimit() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        let big = String(repeating: "x", count: 2_000_000) + "\n"
        let client = try harness.run(["produce", "large", "-X", "batch.size=1"], stdin: big)
        XCTAssertEqual(client.status, 1)
        XCTAssertTrue(client.stderr.contains("line 1: "), client.stderr)
        XCTAssertTrue(client.stderr.contains("exceeds max.request.size 1048576"), client.stderr)

        let broker = try harness.run(["produce", "large", "-X", "max.request.size=5000000", "-X", "batch.size=1"], stdin: big)
        XCTAssertEqual(broker.status, 1)
        XCTAssertTrue(broker.stderr.contains("line 1: "), broker.stderr)
        XCTAssertTrue(broker.stderr.contains("MESSAGE_TOO_LARGE"), broker.stderr)
        XCTAssertFalse(broker.stderr.contains("tooLarge("), broker.stderr)
        XCTAssertTrue(broker.stderr.contains("max.message.bytes"), broker.stderr)
        XCTAssertTrue(broker.stderr.contains("1048588"), "the limit: \(broker.stderr)")
        XCTAssertNotNil(broker.stderr.range(of: #"20000\d\d bytes"#, options: .regularExpression), "the size: \(broker.stderr)")
    }

    /// Every failed line is reported with its number, the other lines are still produced, and the
    /// exit status is 1; --stop-on-error stops reading at the first failure.
    func testProduceReportsEveryFailedLineAndContinues() throws {
        let harness = try CLIHarness()
        defer { harness.stop() }
        XCTAssertEqual(try harness.run(["topic", "create", "limited", "-c", "max.message.bytes=400"]).status, 0)
        let tooBigForTopic = String(repeating: "t", count: 1000)
        let tooBigForClient = String(repeating: "c", count: 2_000_000)
        let input = ["one", tooBigForTopic, "three", tooBigForClient, "five"].joined(separator: "\n") + "\n"
        // batch.size=1: one record per batch, so the broker judges each line on its own. Not idempotent:
        // this is about the CLI's reporting; closing the sequence gap a refused batch leaves is the
        // client's business (an idempotent producer retried the next batches until delivery.timeout.ms).
        let produced = try harness.run(["produce", "limited", "-X", "batch.size=1", "-X", "enable.idempotence=false"], stdin: input)
        XCTAssertEqual(produced.status, 1)
        let errors = produced.stderr.split(separator: "\n").filter { $0.hasPrefix("brook: error: line ") }
        XCTAssertEqual(errors.count, 2, produced.stderr)
        XCTAssertTrue(errors.contains { $0.hasPrefix("brook: error: line 2: ") && $0.contains("max.message.bytes") }, produced.stderr)
        XCTAssertTrue(errors.contains { $0.hasPrefix("brook: error: line 4: ") && $0.contains("max.request.size") }, produced.stderr)
        XCTAssertTrue(produced.stderr.contains("produced 3 record(s) to limited, 2 failed"), produced.stderr)
        XCTAssertEqual(try harness.run(["consume", "limited", "-e"]).stdout, "one\nthree\nfive\n")

        XCTAssertEqual(try harness.run(["topic", "create", "stopping"]).status, 0)
        let stopped = try harness.run(["produce", "stopping", "--stop-on-error"], stdin: "one\n\(tooBigForClient)\nthree\n")
        XCTAssertEqual(stopped.status, 1)
        XCTAssertTrue(stopped.stderr.contains("brook: error: line 2: "), stopped.stderr)
        XCTAssertTrue(stopped.stderr.contains("stopped at line 2"), stopped.stderr)
        XCTAssertEqual(try harness.run(["consume", "stopping", "-e"]).stdout, "one\n")
    }

    func testVersion() throws {
        guard FileManager.default.isExecutableFile(atPath: CLIHarness.binary.path) else {
            throw XCTSkip("brook binary not built")
        }
        let process = Process()
        process.executableURL = CLIHarness.binary
        process.arguments = ["--version"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let text = String(decoding: data, as: UTF8.self)
        XCTAssertNotNil(text.range(of: #"^brook \d+\.\d+\.\d+\n$"#, options: .regularExpression), text)
    }
}
