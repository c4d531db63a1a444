import XCTest

/// `XCTUnwrap` for values produced by an `await` (its autoclosure cannot suspend).
func unwrapped<T>(_ value: T?, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) throws -> T {
    try XCTUnwrap(value, message, file: file, line: line)
}

/// `XCTAssertThrowsError` for an async expression: fails unless `expression` throws, and hands the
/// error to `check`.
func assertThrowsAsync<T>(_ expression: () async throws -> T, file: StaticString = #filePath, line: UInt = #line,
                          _ check: (Error) -> Void = { _ in }) async {
    do {
        _ = try await expression()
        XCTFail("did not throw", file: file, line: line)
    } catch {
        check(error)
    }
}
