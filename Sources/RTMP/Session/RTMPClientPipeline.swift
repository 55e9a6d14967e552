public import NIOCore

/// The client-side RTMP handlers in front of a session handler, in the server's order: byte counting
/// (exact acknowledgements, as a real client sends them), handshake, chunk decoder, outbound chunk
/// encoder and protocol control. Used by the edge, forwarders and the load tool.
public enum RTMPClientPipeline {
    /// Large enough for a big keyframe; bounds the decoder's buffering.
    public static let maximumMessageSize = 8 << 20

    public static func add(
        to pipeline: ChannelPipeline.SynchronousOperations, maximumMessageSize: Int = maximumMessageSize
    ) throws {
        try pipeline.addHandler(RTMPByteCountingHandler())
        try pipeline.addHandler(RTMPHandshakeHandler(role: .client))
        try pipeline.addHandler(
            ByteToMessageHandler(
                RTMPChunkDecoder(configuration: .init(maxMessageSize: maximumMessageSize)),
                maximumBufferSize: maximumMessageSize + (1 << 20)))
        try pipeline.addHandler(RTMPOutboundHandler())
        try pipeline.addHandler(RTMPControlHandler())
    }
}
