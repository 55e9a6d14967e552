public import CLibAV
public import Media

// CONTRACT STUB (replaced by the engine work): the API the ingest side codes against.

/// Turns libav packets (from a demuxer or an encoder) into the live stream's packets: FLV tag payloads
/// with sequence headers first, timestamps in milliseconds.
public final class FLVPacketizer {
    /// One input stream: its codec parameters and the time base of its packets' timestamps.
    public struct Input {
        public var parameters: UnsafePointer<AVCodecParameters>
        public var timeBase: AVRational

        public init(parameters: UnsafePointer<AVCodecParameters>, timeBase: AVRational) {
            self.parameters = parameters
            self.timeBase = timeBase
        }
    }

    /// - Parameter inputs: the streams, by the index `packetize` is given; at most one video and one audio.
    /// - Throws: when a codec cannot be carried in FLV (the message names it).
    public init(inputs: [Input]) throws(LibAVError) {
        throw LibAVError(operation: "FLVPacketizer", message: "not implemented")
    }

    /// The packets for one libav packet of input `stream`: the sequence header(s) the first time, then
    /// the frame. Packets of streams not given at `init` return nothing.
    public func packetize(_ packet: UnsafeMutablePointer<AVPacket>, stream: Int) throws(LibAVError) -> [MediaPacket] {
        []
    }
}
