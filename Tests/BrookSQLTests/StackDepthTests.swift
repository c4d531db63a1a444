import Foundation
import XCTest
@testable import BrookSQL

/// The deepest statements the parser accepts must fit stacks smaller than the 8 MiB main thread's
/// (event-loop and Swift concurrency threads), in debug builds too, through parsing, formatting,
/// comparing and freeing the tree.
final class StackDepthTests: XCTestCase {
    /// Runs `work` on a thread with a `stackSize`-byte stack; true when it finished.
    private func finishes(stackSize: Int, _ work: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            work()
            done.signal()
        }
        thread.stackSize = stackSize
        thread.start()
        return done.wait(timeout: .now() + 60) == .success
    }

    func testDeepestAcceptedStatementsFitA1MiBStack() throws {
        let depth = SQLParser.maximumDepth / SQLParser.nestingCost - 2
        let chain = SQLParser.maximumDepth - 2 * SQLParser.nestingCost
        let sources = [
            "SELECT " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + " FROM s",
            "SELECT " + String(repeating: "f(", count: depth) + "1" + String(repeating: ")", count: depth) + " FROM s",
            "SELECT " + String(repeating: "CASE WHEN ", count: depth) + "1" + String(repeating: " THEN 1 END", count: depth) + " FROM s",
            "SELECT " + String(repeating: "NOT ", count: depth) + "a FROM s",
            "SELECT a" + String(repeating: "[1]", count: depth) + " FROM s",
            "SELECT CAST(a AS " + String(repeating: "ARRAY<", count: depth - 1) + "INT" + String(repeating: ">", count: depth - 1) + ") FROM s",
            "SELECT " + Array(repeating: "a", count: chain).joined(separator: " - ") + " FROM s",
            "SELECT a" + String(repeating: "->b", count: chain) + " FROM s",
        ]
        for source in sources {
            XCTAssertNoThrow(try SQLParser.parse(source), source)
            XCTAssertTrue(finishes(stackSize: 1024 * 1024) {
                guard let statement = try? SQLParser.parseStatement(source) else { return }
                let formatted = SQLFormatter.format(statement)
                XCTAssertEqual(try? SQLParser.parseStatement(formatted), statement)
            })
        }
    }
}
