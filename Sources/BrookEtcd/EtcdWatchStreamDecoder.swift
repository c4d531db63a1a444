import Foundation

/// Decodes the chunked body of a `/v3/watch` response into watch messages. Sans-IO: the watch
/// connection feeds it body chunks as they arrive; tests feed it bytes split anywhere.
struct EtcdWatchStreamDecoder {
    private var splitter: EtcdJSONObjectSplitter

    init(maxObjectBytes: Int = 64 << 20) {
        splitter = EtcdJSONObjectSplitter(maxObjectBytes: maxObjectBytes)
    }

    /// Whether the stream ending now would cut a message short.
    var hasPartialMessage: Bool { splitter.hasPartialObject }

    /// Every message completed by `bytes`, in order; a malformed message is an `EtcdError.decode`.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(EtcdError) -> [EtcdWatchMessage] where Bytes.Element == UInt8 {
        let objects = try splitter.feed(bytes)
        var messages: [EtcdWatchMessage] = []
        messages.reserveCapacity(objects.count)
        for object in objects {
            do {
                messages.append(try JSONDecoder().decode(EtcdWatchMessage.self, from: Data(object)))
            } catch {
                throw EtcdError.decode("watch message: \(error)")
            }
        }
        return messages
    }
}
