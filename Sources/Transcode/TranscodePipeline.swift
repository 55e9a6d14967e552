public import Config
public import Media

// CONTRACT STUB (replaced by the engine work): the API the ingest side codes against.

/// One engine's media work, used from one thread: decodes the live stream's packets, scales, resamples,
/// encodes as `engine` says (or copies), and returns the output's packets on the same timeline.
public final class TranscodePipeline {
    public init(engine: TranscodeEngineConfiguration) throws(LibAVError) {
        throw LibAVError(operation: "TranscodePipeline", message: "not implemented")
    }

    /// The output packets that `packet` (an input packet, timestamp in ms on the stream's clock) gives.
    public func process(_ packet: MediaPacket) throws(LibAVError) -> [MediaPacket] { [] }

    /// What the encoders still hold, at the end of the input.
    public func drain() throws(LibAVError) -> [MediaPacket] { [] }
}
