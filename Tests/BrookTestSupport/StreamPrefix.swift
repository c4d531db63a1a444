/// The first `count` elements of a stream, or what arrived when `timeoutSeconds` passed (fewer, so
/// the test fails on its assertion instead of hanging).
public func prefix<Element: Sendable>(_ count: Int, of stream: AsyncStream<Element>,
                                      timeoutSeconds: Double = 10) async -> [Element] {
    await withTaskGroup(of: [Element]?.self) { group in
        group.addTask {
            var received: [Element] = []
            for await element in stream {
                received.append(element)
                if received.count == count { break }
            }
            return received
        }
        group.addTask {
            try? await Task.sleep(nanoseconds: UInt64(timeoutSeconds * 1_000_000_000))
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first ?? []
    }
}
