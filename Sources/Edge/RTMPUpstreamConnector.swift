public import Config
public import NIOCore
import NIOPosix
public import RTMP

/// Opens upstream RTMP connections on a given loop: the client pipeline plus an `RTMPUpstreamHandler`.
public enum RTMPUpstreamConnector {
    /// Connects to `server` on `eventLoop` and starts the session once the handshake is done. Call on
    /// `eventLoop`, with a handler made there.
    /// - Returns: the channel, or a failure when the TCP connection could not be made within `timeout`.
    ///   Failures after that reach the delegate (`upstreamDidEnd`).
    public static func connect(
        to server: UpstreamAddress, on eventLoop: any EventLoop, timeout: TimeAmount,
        handler: RTMPUpstreamHandler
    ) -> EventLoopFuture<any Channel> {
        let handler = NIOLoopBound(handler, eventLoop: eventLoop)
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try RTMPClientPipeline.add(to: pipeline)
                    try pipeline.addHandler(handler.value)
                }
            }
            .connect(host: server.host, port: server.port)
    }
}
