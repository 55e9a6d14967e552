import Live
import Logging
import NIOCore
import Sessions
import RTMP

/// What the session takes from its vhost: the stream's key and the socket's settings.
extension RTMPSessionHandler {
    /// Applies the vhost's socket settings once the session knows its vhost (SRS `tcp_nodelay`).
    func applySocketSettings(_ vhost: RTMPServerSettings.Vhost, context: ChannelHandlerContext) {
        let socketHead = try? context.pipeline.syncOperations.handler(type: ClientTrafficHandler.self)
        if socketHead?.setNoDelay(vhost.tcpNoDelay) == true { return }
        let option = ChannelOptions.Types.SocketOption(level: .tcp, name: .tcp_nodelay)
        context.channel.setOption(option, value: vhost.tcpNoDelay ? 1 : 0).whenFailure { [logger] error in
            logger.debug("cannot set TCP_NODELAY", metadata: ["error": "\(error)"])
        }
    }

    func streamKey(for request: RTMPStreamRequest) -> StreamKey {
        StreamKey(vhost: settings.resolvedVhostName(request.vhost), app: request.app, stream: request.stream)
    }
}
