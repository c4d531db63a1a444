import BrookBroker
@testable import BrookServer
import NIOCore
import XCTest
import BrookTestSupport

/// Random event sequences against `ConnectionState`: the in-flight bound always holds, requests
/// start in arrival order, every answer is written exactly once and in request order, and a read
/// is only let through when the connection may take more.
final class ConnectionStatePropertyTests: XCTestCase {
    private func tag(_ frame: OutboundFrame) -> UInt64? {
        guard case .byteBuffer(let b) = frame.parts.first else { return nil }
        return b.getInteger(at: b.readerIndex, as: UInt64.self)
    }

    func testRandomEventSequencesKeepTheRules() {
        for seed in UInt64(1)...200 {
            var rng = SeededRNG(seed: seed)
            let maxInFlight = Int.random(in: 1...6, using: &rng)
            let now = NIODeadline.uptimeNanoseconds(0)
            var s = ConnectionState(limits: .init(maxInFlight: maxInFlight, requestReadTimeout: nil, idleTimeout: nil), now: now)
            var sentFrames: UInt64 = 0
            var started: [UInt64] = []  // ids, which equal the frame's sequence number
            var unanswered: [UInt64] = []
            var silent: Set<UInt64> = []  // answered with no response (acks=0)
            var written: [UInt64] = []
            var writable = true

            func absorb(_ effects: ConnectionState.Effects) {
                for (id, frame) in effects.start {
                    XCTAssertEqual(id, UInt64(started.count), "seed \(seed)")
                    XCTAssertEqual(frame.getInteger(at: frame.readerIndex, as: UInt64.self), id, "seed \(seed): start order")
                    started.append(id)
                    unanswered.append(id)
                }
                written += effects.write.compactMap(tag)
                XCTAssertTrue(effects.discard.isEmpty, "seed \(seed)")
                XCTAssertNil(effects.close, "seed \(seed)")
                XCTAssertLessThanOrEqual(s.inFlightCount, maxInFlight, "seed \(seed)")
            }

            for _ in 0..<300 {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4:
                    absorb(s.frameReceived(ByteBuffer(integer: sentFrames), now: now))
                    sentFrames += 1
                case 4..<7:
                    guard !unanswered.isEmpty else { continue }
                    let id = unanswered.remove(at: Int.random(in: 0..<unanswered.count, using: &rng))
                    let answer = Bool.random(using: &rng)
                    if !answer { silent.insert(id) }
                    let frame = answer ? OutboundFrame(parts: [.byteBuffer(ByteBuffer(integer: id))]) : nil
                    absorb(s.responseReady(id: id, frame, now: now))
                case 7:
                    writable.toggle()
                    absorb(s.writabilityChanged(writable, now: now))
                default:
                    let effects = s.readRequested()
                    if effects.read {
                        XCTAssertTrue(writable && s.heldCount == 0 && s.inFlightCount < maxInFlight, "seed \(seed): read let through")
                    }
                    absorb(effects)
                }
            }
            // Drain: answer everything, in random order, until every frame has started and been answered.
            writable = true
            absorb(s.writabilityChanged(true, now: now))
            while !unanswered.isEmpty {
                let id = unanswered.remove(at: Int.random(in: 0..<unanswered.count, using: &rng))
                absorb(s.responseReady(id: id, OutboundFrame(parts: [.byteBuffer(ByteBuffer(integer: id))]), now: now))
            }
            XCTAssertEqual(UInt64(started.count), sentFrames, "seed \(seed): every frame started")
            XCTAssertEqual(written, (0..<sentFrames).filter { !silent.contains($0) }, "seed \(seed): written once, in order")
            XCTAssertEqual(s.inFlightCount, 0)
            XCTAssertTrue(s.mayRead)
        }
    }
}
