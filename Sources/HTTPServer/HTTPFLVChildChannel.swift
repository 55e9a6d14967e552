import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 child channel with `HTTPFLVInterceptor` added right after the request decoder,
/// so live streams are served by a `ChannelHandler` on the event loop and everything else by Hummingbird.
struct HTTPFLVChildChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let settings: HTTPLiveSettings?
    let crossdomain: Bool

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let settings = self.settings
        let crossdomain = self.crossdomain
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            var connectionLogger = logger
            if let peer = channel.remoteAddress { connectionLogger[metadataKey: "conn.peer"] = "\(peer)" }
            let interceptor = HTTPFLVInterceptor(settings: settings, crossdomain: crossdomain, logger: connectionLogger)
            try operations.addHandler(interceptor, position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
