import Media
import NIOCore

/// The FLV tag reader (with and without the file header) fed in random pieces, then each tag's audio/video
/// header and codec configuration read as the remuxers read them.
///
/// Properties: a tag written back reads back identical; the tags do not depend on how the bytes were split.
enum FLVFuzzer {
    private static let maximumTagDataSize = 256 << 10

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        // Files start with "FLV"; anything else is read as a bare tag stream (HTTP-FLV ingest, DVR appends).
        let expectsHeader = bytes.starts(with: [0x46, 0x4C, 0x56])
        let whole = decode(bytes, expectsHeader: expectsHeader, plan: nil)
        var plan = SplitPlan(bytes)
        let split = decode(bytes, expectsHeader: expectsHeader, plan: &plan)
        fuzzCheck(whole.tags == split.tags && whole.failed == split.failed, "FLV tags depend on the split")

        for tag in whole.tags {
            var written = ByteBuffer()
            written.writeFLVTag(tag)
            var reread = written
            let back = try? reread.readFLVTag(maximumDataSize: maximumTagDataSize)
            fuzzCheck(back == tag && reread.readableBytes == 0, "an FLV tag does not survive write+read")
            MediaPayloads.inspect(kind: tag.kind, payload: tag.data)
        }
    }

    private static func decode(
        _ bytes: UnsafeBufferPointer<UInt8>, expectsHeader: Bool, plan: UnsafeMutablePointer<SplitPlan>?
    ) -> (tags: [FLVTag], failed: Bool) {
        var decoder = FLVTagDecoder(
            configuration: .init(expectsHeader: expectsHeader, maximumTagDataSize: maximumTagDataSize))
        var tags: [FLVTag] = []
        var buffer = ByteBuffer()
        var offset = 0
        while offset < bytes.count {
            let length = plan.map { min($0.pointee.nextLength(maximum: 4096), bytes.count - offset) } ?? bytes.count
            buffer.writeBytes(UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]))
            offset += length
            do {
                while let tag = try decoder.decode(buffer: &buffer) {
                    fuzzCheck(tag.data.readableBytes <= maximumTagDataSize, "tag over the limit")
                    tags.append(tag)
                }
            } catch {
                return (tags, true)
            }
            buffer.discardReadBytes()
        }
        return (tags, false)
    }
}
