import BrookProtocol
import BrookRecords
import BrookStorage
import Dispatch
import NIOCore

/// The work Fetch versions below 10 need beyond sending file ranges: down-converting a slice to
/// magic 0/1 for v0–3, and keeping zstd batches from v4–9 consumers, which cannot read them
/// (Kafka answers UNSUPPORTED_COMPRESSION_TYPE). It runs on its own serial queue so neither the
/// partitions' loops (appends) nor the connections' loops wait on decompression.
enum LegacyFetchConversion {
    private static let queue = DispatchQueue(label: "brook.fetch-downconversion", qos: .utility)

    /// Records and error code of one partition after conversion.
    struct Outcome: Sendable {
        var records: ByteBuffer
        var error: ErrorCode
    }

    /// Runs `work` on the conversion queue; the future completes on `loop`.
    static func run<T: Sendable>(on loop: EventLoop, _ work: @escaping @Sendable () -> T) -> EventLoopFuture<T> {
        let promise = loop.makePromise(of: T.self)
        queue.async { promise.succeed(work()) }
        return promise.futureResult
    }

    /// Down-converts the whole batches of `slice` (released here) from `fetchOffset` until the
    /// output reaches `limit`. As Kafka's lazy down-conversion does, a batch that cannot be
    /// converted ends the records before it, and is reported as the partition's error only when
    /// nothing came before it, so a consumer reads up to the batch and then hears why it stops.
    static func convert(_ slice: LogSlice, magic: Int8, fetchOffset: Int64, limit: Int, alwaysTakeFirst: Bool,
                        maxDecompressedSize: Int) -> Outcome {
        defer { slice.file.release() }
        var converter = LegacyDownconverter(magic: magic, fetchOffset: fetchOffset, limit: limit,
                                            alwaysTakeFirst: alwaysTakeFirst, maxDecompressedSize: maxDecompressedSize)
        var reader = LogSliceBatchReader(slice)
        let code: ErrorCode
        do {
            while let batch = try reader.next() {
                guard try converter.append(batch: batch) else { break }
            }
            return Outcome(records: converter.output, error: .none)
        } catch let error as DownconversionError {
            switch error {
            case .unsupportedCompression: code = .unsupportedCompressionType
            case .invalidBatch(let invalid): code = ErrorCode(rawValue: invalid.kafkaErrorCode) ?? .corruptMessage
            case .compression: code = .unknownServerError
            }
        } catch {
            code = ErrorMapping.code(for: error)
        }
        if converter.output.readableBytes > 0 { return Outcome(records: converter.output, error: .none) }
        return Outcome(records: ByteBuffer(), error: code)
    }

    /// `slice` up to its first zstd batch, reading batch headers only; nil (and the slice released)
    /// when it starts with one. A read error keeps the slice: sending it is what v10+ would do.
    static func cutBeforeZstd(_ slice: LogSlice) -> LogSlice? {
        var reader = LogSliceBatchReader(slice)
        do {
            while let (header, position) = try reader.nextHeader() {
                guard header.compression == .zstd else { continue }
                if position == 0 {
                    slice.file.release()
                    return nil
                }
                return slice.prefix(position)
            }
        } catch {}
        return slice
    }
}
