/// The outcomes of records given to `KafkaProducer.enqueue`, one `DeliveryReport` per record in
/// completion order. Reports travel in batches internally (one per acknowledged record batch), so
/// reading them costs little per record. Iterate from one task; the sequence ends when the producer
/// is closed.
public struct DeliveryReports: AsyncSequence, Sendable {
    public typealias Element = DeliveryReport
    let batches: AsyncStream<[DeliveryReport]>

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: batches.makeAsyncIterator())
    }

    /// Hands out the reports of one batch after another.
    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<[DeliveryReport]>.AsyncIterator
        var current: [DeliveryReport] = []
        var index = 0

        public mutating func next() async -> DeliveryReport? {
            while index >= current.count {
                guard let batch = await base.next() else { return nil }
                current = batch
                index = 0
            }
            defer { index += 1 }
            return current[index]
        }
    }
}
