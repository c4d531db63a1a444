/// Failure of `Compression.compress` / `Compression.decompress`.
public enum CompressionError: Error, Sendable, Hashable {
    /// Decompressed data would exceed the caller's `maxOutput` cap (zip-bomb protection).
    case outputTooLarge(limit: Int)
    /// Input is not valid data for the codec.
    case corrupt(String)
    /// Input ends before the compressed stream does.
    case truncated
    /// The library failed for a reason other than bad input (allocation, bad parameters).
    case libraryError(String)
}
