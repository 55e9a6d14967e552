import HummingbirdCore
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import Sessions

/// Hummingbird's HTTP/1 child channel with `HTTPFLVInterceptor` added right after the request decoder,
/// so live streams are served by a `ChannelHandler` on the event loop and everything else by Hummingbird.
struct HTTPFLVChildChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let settings: HTTPLiveSettings?
    let crossdomain: Bool
    var limits = HTTPConnectionLimits()
    /// Reports limit hits: one rate-limited line per limit for the whole server, and the metric.
    var reporter: LimitReporter?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let settings = self.settings
        let crossdomain = self.crossdomain
        let limits = self.limits
        let reporter = self.reporter ?? LimitReporter(logger: logger)
        let ip = channel.remoteAddress?.ipAddress ?? ""
        guard limits.connectionsPerIP.acquire(ip) else {
            Counter(label: MetricLabel.refusedClients, dimensions: [("reason", ResourceLimit.maxConnectionsPerIP.rawValue)])
                .increment()
            reporter.hit(.maxConnectionsPerIP, value: limits.connectionsPerIP.limit, peer: ip)
            // Refused at accept: the server closes the socket before a request is read.
            return channel.eventLoop.makeFailedFuture(HTTPConnectionRefused())
        }
        channel.closeFuture.whenComplete { _ in limits.connectionsPerIP.release(ip) }
        return base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            var connectionLogger = logger
            if let peer = channel.remoteAddress { connectionLogger[metadataKey: "conn.peer"] = "\(peer)" }
            let interceptor = HTTPFLVInterceptor(settings: settings, crossdomain: crossdomain, logger: connectionLogger)
            try operations.addHandler(interceptor, position: .after(decoder.handler))
            let limiter = HTTPRequestLimitHandler(
                rate: limits.requestRate, maxHeaderSize: limits.maxHeaderSize, reporter: reporter,
                crossdomain: crossdomain)
            try operations.addHandler(limiter, position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// A connection over `max_connections_per_ip`, closed before its pipeline is built (already counted and logged).
struct HTTPConnectionRefused: Error {}
