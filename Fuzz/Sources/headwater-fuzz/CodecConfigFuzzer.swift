import Media
import NIOCore

/// The AVC/HEVC/AAC configuration parsers. The first byte picks the parser (its low 3 bits), the rest is
/// the configuration: corpus files are a selector byte followed by a real avcC, hvcC, SPS or ASC.
enum CodecConfigFuzzer {
    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let selector = bytes.first else { return }
        let body = ByteBuffer(bytes: UnsafeBufferPointer(rebasing: bytes.dropFirst()))
        switch selector & 0x07 {
        case 0: MediaPayloads.avcRecord(body)
        case 1: _ = try? AVCSequenceParameterSet(parsing: body)
        case 2: MediaPayloads.hevcRecord(body)
        case 3: _ = try? HEVCSequenceParameterSet(parsing: body)
        case 4: MediaPayloads.audioSpecificConfig(body)
        case 5: MediaPayloads.inspect(kind: .video, payload: body)
        case 6: MediaPayloads.inspect(kind: .audio, payload: body)
        default:
            var header = body
            _ = try? header.readFLVHeader()
        }
    }
}
