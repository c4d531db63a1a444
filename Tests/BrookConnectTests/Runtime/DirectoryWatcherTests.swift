#if canImport(Glibc)
@testable import BrookConnect
import Foundation
import NIOConcurrencyHelpers
import XCTest

/// inotify-backed change batches: written, deleted and moved files, and files in new subdirectories.
final class DirectoryWatcherTests: XCTestCase {
    /// Collects every reported path; `waitFor` returns once `expected` were all seen (or 10 s passed).
    private final class Seen: Sendable {
        let paths = NIOLockedValueBox(Set<String>())

        func waitFor(_ expected: Set<String>) async throws -> Set<String> {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                let now = paths.withLockedValue { $0 }
                if now.isSuperset(of: expected) { return now }
                try await Task.sleep(for: .milliseconds(20))
            }
            return paths.withLockedValue { $0 }
        }
    }

    func testWrittenDeletedMovedAndNestedFilesAreReported() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("watch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("old".utf8).write(to: root.appendingPathComponent("gone.csv"))
        let watcher = try DirectoryWatcher(root: root.path)
        let seen = Seen()
        let collecting = Task { for await batch in watcher.changes { seen.paths.withLockedValue { $0.formUnion(batch) } } }
        defer {
            watcher.stop()
            collecting.cancel()
        }

        try Data("a".utf8).write(to: root.appendingPathComponent("a.csv"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("gone.csv"))
        try Data("m".utf8).write(to: root.appendingPathComponent(".tmp-m"))
        try FileManager.default.moveItem(at: root.appendingPathComponent(".tmp-m"), to: root.appendingPathComponent("m.csv"))
        var got = try await seen.waitFor(["a.csv", "gone.csv", "m.csv"])
        XCTAssertTrue(got.isSuperset(of: ["a.csv", "gone.csv", "m.csv"]), "\(got)")

        // A new directory and a file in it: reported by the file's own event, or by the scan of
        // the directory when its watch is added (if the file came first).
        let sub = root.appendingPathComponent("eu")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try Data("b".utf8).write(to: sub.appendingPathComponent("b.csv"))
        got = try await seen.waitFor(["eu/b.csv"])
        XCTAssertTrue(got.contains("eu/b.csv"), "\(got)")
    }
}
#endif
