import NIOCore

/// Sans-IO framing: 4-byte big-endian size then body.
public enum KafkaFrame {
    /// Returns the next frame's body (without the size prefix) and consumes it, or nil if more bytes are needed.
    /// Throws `frameTooLarge` when size > maxSize, `negativeFrameSize` when < 0 — checked before waiting for the body.
    public static func read(from buffer: inout ByteBuffer, maxSize: Int) throws -> ByteBuffer? {
        guard let size = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: Int32.self) else {
            return nil
        }
        guard size >= 0 else { throw ProtocolError.negativeFrameSize(size) }
        guard Int(size) <= maxSize else { throw ProtocolError.frameTooLarge(Int(size)) }
        guard buffer.readableBytes >= 4 + Int(size) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return buffer.readSlice(length: Int(size))
    }

    /// Writes a size prefix placeholder, lets body write, then patches the size.
    public static func write(into buffer: inout ByteBuffer, body: (inout ByteBuffer) -> Void) {
        let sizeIndex = buffer.writerIndex
        buffer.writeInteger(Int32(0))
        body(&buffer)
        let size = buffer.writerIndex - sizeIndex - 4
        buffer.setInteger(Int32(truncatingIfNeeded: size), at: sizeIndex, endianness: .big)
    }
}
