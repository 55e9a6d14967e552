import Media
import NIOCore

/// AMF0 decoding of a whole message body and value by value.
///
/// Properties: decoding consumes everything or nothing; encode∘decode is stable (the encoding of what was
/// decoded decodes to values that encode to the same bytes; bytes, not values, are compared so NaN is fine);
/// the one-value reader and the all-values reader agree.
enum AMF0Fuzzer {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        var buffer = ByteBuffer(bytes: bytes)
        let values: [AMF0Value]
        do {
            values = try buffer.readAMF0Values()
        } catch {
            fuzzCheck(buffer.readableBytes == bytes.count, "a failed read moved the reader index")
            return
        }
        fuzzCheck(buffer.readableBytes == 0, "readAMF0Values left bytes")

        var first = ByteBuffer()
        first.writeAMF0Values(values)
        var again = first
        guard let decodedAgain = try? again.readAMF0Values() else {
            fuzzCheck(false, "the encoding of decoded values does not decode")
            return
        }
        var second = ByteBuffer()
        second.writeAMF0Values(decodedAgain)
        fuzzCheck(first == second, "encode∘decode is not stable")

        // Value by value over the same bytes: each value alone (references may reach back, so stop at the
        // first that fails to stand alone; it must not be a value the full read accepted in isolation).
        var single = ByteBuffer(bytes: bytes)
        if let value = try? single.readAMF0Value(), values.count == 1 {
            var one = ByteBuffer()
            one.writeAMF0Value(value)
            fuzzCheck(one == first, "one value read alone encodes differently")
        }
    }
}
