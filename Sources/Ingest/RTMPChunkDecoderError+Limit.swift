import RTMP
import Sessions

extension RTMPChunkDecoderError {
    /// The configured limit a decoder error means the peer hit, if it is one.
    static func limit(of error: any Error) -> ResourceLimit? {
        // ByteToMessageHandler passes the decoder's error through unchanged.
        guard let error = error as? RTMPChunkDecoderError else { return nil }
        switch error {
        case .messageTooLarge: return .rtmpMaxMessageSize
        case .tooManyChunkStreams: return .rtmpMaxChunkStreams
        case .pendingBytesLimitExceeded: return .rtmpMaxPendingBytes
        default: return nil
        }
    }
}
