import BrookConnect
import BrookTestSupport
import XCTest

final class DesiredStateTopicTests: XCTestCase {
    private let fingerprint = ValueFingerprint(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)

    func testATrackedKeyEncodesAsVersionFlagsSourceAndFingerprints() throws {
        let update = TrackingUpdate(key: "7", state: TrackedKey(possibleValues: [fingerprint], mayBeMissing: true, source: "a.csv"), pending: true)
        let record = DesiredStateCodec.record(for: update)
        XCTAssertEqual(record.key, Array("k:7".utf8))
        XCTAssertEqual(record.value, [1, 0b11, 5] + Array("a.csv".utf8) + [1] + Array(1...16))
        XCTAssertEqual(try DesiredStateCodec.decode(record), .tracked(key: "7", state: update.state!, pending: true))
        let forget = DesiredStateCodec.record(for: TrackingUpdate(key: "7", state: nil))
        XCTAssertNil(forget.value)
        XCTAssertEqual(try DesiredStateCodec.decode(forget), .forgotten(key: "7"))
    }

    func testThePassMarkerRoundTrips() throws {
        let marker = PassMarker(number: 300, completed: false, actions: 2)
        let record = DesiredStateCodec.record(for: marker)
        XCTAssertEqual(record.key, Array("pass".utf8))
        XCTAssertEqual(record.value, [1, 0, 0xAC, 0x02, 2])
        XCTAssertEqual(try DesiredStateCodec.decode(record), .pass(marker))
    }

    func testUnknownKeysAreIgnoredButUnknownVersionsAndFlagsAreErrors() {
        XCTAssertEqual(try DesiredStateCodec.decode(DesiredStateRecord(key: Array("x:1".utf8), value: [9])), .unknown)
        XCTAssertThrowsError(try DesiredStateCodec.decode(DesiredStateRecord(key: Array("k:1".utf8), value: [2, 0, 0, 0]))) {
            XCTAssertEqual("\($0)", #"desired-state topic record "k:1" cannot be read: unknown format version 2"#)
        }
        XCTAssertThrowsError(try DesiredStateCodec.decode(DesiredStateRecord(key: Array("k:1".utf8), value: [1, 4, 0, 0])))
        XCTAssertThrowsError(try DesiredStateCodec.decode(DesiredStateRecord(key: Array("k:1".utf8), value: [1, 0, 0, 0, 0])))
    }

    /// A pass interrupted after its intents replays as uncertain; the next pass re-emits and its
    /// commit makes the state certain again.
    func testReplayAfterAnInterruptedPassSeesPendingKeys() throws {
        let csv = CSVDeclarations(keyColumns: ["id"])
        var first = ReconcilePass(tracked: TrackedState())
        try csv.declare(source: "d.csv", bytes: Array("id,v\n1,a\n2,b\n".utf8), into: &first)
        let plan1 = first.finish()
        var log = plan1.intentRecords(pass: 1) + plan1.commitRecords(pass: 1)
        var replay = try DesiredStateReplay.replay(log)
        XCTAssertFalse(replay.interrupted)
        XCTAssertEqual(replay.nextPassNumber, 2)
        XCTAssertEqual(replay.tracked.keys.count, 2)
        XCTAssertTrue(replay.tracked["1"]!.certainlyHolds(ValueFingerprint(of: Array(#"{"id":"1","v":"a"}"#.utf8))))

        var second = ReconcilePass(tracked: replay.tracked)
        try csv.declare(source: "d.csv", bytes: Array("id,v\n1,A\n".utf8), into: &second)
        let plan2 = second.finish()
        log += plan2.intentRecords(pass: 2)  // crash: actions maybe produced, commits never written
        replay = try DesiredStateReplay.replay(log)
        XCTAssertTrue(replay.interrupted)
        XCTAssertEqual(replay.pendingKeys, ["1", "2"])
        XCTAssertEqual(replay.tracked["1"]?.possibleValues.count, 2)

        var third = ReconcilePass(tracked: replay.tracked)
        try csv.declare(source: "d.csv", bytes: Array("id,v\n1,A\n".utf8), into: &third)
        let plan3 = third.finish()
        XCTAssertEqual(plan3.actions.map(\.key), ["1", "2"])
        log += plan3.intentRecords(pass: 3) + plan3.commitRecords(pass: 3)
        replay = try DesiredStateReplay.replay(log)
        XCTAssertFalse(replay.interrupted)
        XCTAssertEqual(Array(replay.tracked.keys.keys), ["1"])
        XCTAssertEqual(replay.lastPass, PassMarker(number: 3, completed: true, actions: 2))
    }

    func testEncodedStateRoundTripsForRandomKeys() throws {
        var rng = SeededRNG(seed: 4)
        for _ in 0..<200 {
            let prints = (0..<Int.random(in: 0...4, using: &rng)).map { _ in ValueFingerprint(high: rng.next(), low: rng.next()) }
            let key = String((0..<Int.random(in: 0...20, using: &rng)).map { _ in ["a", "é", ":", "😀", "\0"].randomElement(using: &rng)! })
            let state = TrackedKey(possibleValues: prints, mayBeMissing: Bool.random(using: &rng), source: String(repeating: "s", count: Int.random(in: 0...200, using: &rng)))
            let pending = Bool.random(using: &rng)
            let decoded = try DesiredStateCodec.decode(DesiredStateCodec.record(for: TrackingUpdate(key: key, state: state, pending: pending)))
            XCTAssertEqual(decoded, .tracked(key: key, state: state, pending: pending))
        }
    }

    /// Fuzz: mutated, truncated and extended values decode or throw, never crash.
    func testMutatedStateRecordsDecodeOrThrowButNeverCrash() {
        var rng = SeededRNG(seed: 0xDE5)
        let seeds = [
            DesiredStateCodec.record(for: TrackingUpdate(key: "k", state: TrackedKey(possibleValues: [fingerprint, ValueFingerprint(high: 1, low: 2)], mayBeMissing: false, source: "x.csv"), pending: true)),
            DesiredStateCodec.record(for: PassMarker(number: UInt64.max, completed: true, actions: 1 << 40)),
        ]
        var decoded = 0
        for _ in 0..<5000 {
            var record = seeds.randomElement(using: &rng)!
            var value = record.value!
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: if !value.isEmpty { value[Int.random(in: 0..<value.count, using: &rng)] = [0, 1, 0x7F, 0x80, 0xFF].randomElement(using: &rng)! }
                case 1: value.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...value.count, using: &rng))
                case 2: value = Array(value.prefix(Int.random(in: 0...value.count, using: &rng)))
                default: value += [UInt8](repeating: 0xFF, count: Int.random(in: 1...12, using: &rng))
                }
            }
            if Int.random(in: 0..<10, using: &rng) == 0 { record.key = Array("k:".utf8) + [0xC3] }
            record.value = value
            if (try? DesiredStateCodec.decode(record)) != nil { decoded += 1 }
        }
        XCTAssertLessThan(decoded, 5000)
    }
}
