import NIOCore
import NIOHTTP1
import Sessions

/// Sits right after the request decoder: answers a request over its address's rate with 429 and closes,
/// and reports request heads over the size limit (the interceptor after it answers those 431).
///
/// A refused request is answered once the responses before it are out, so a pipelined client still
/// gets its answers in order; nothing after the refused head is passed on.
final class HTTPRequestLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Seconds a refused client is told to wait (`Retry-After`).
    static let retryAfterSeconds = 1

    private let rate: RequestRateLimiter
    private let maxHeaderSize: Int
    private let reporter: LimitReporter
    private let crossdomain: Bool
    private var responsesInFlight = 0
    private var refused: HTTPRequestHead?
    private var answered = false

    init(rate: RequestRateLimiter, maxHeaderSize: Int, reporter: LimitReporter, crossdomain: Bool) {
        self.rate = rate
        self.maxHeaderSize = maxHeaderSize
        self.reporter = reporter
        self.crossdomain = crossdomain
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard refused == nil else { return }
        if case .head(let head) = unwrapInboundIn(data) {
            let ip = context.channel.remoteAddress?.ipAddress ?? ""
            guard rate.admit(ip) else {
                reporter.hit(.httpMaxRequestsPerIP, value: rate.ratePerSecond, peer: ip)
                refused = head
                if responsesInFlight == 0 { answer(context: context) }
                return
            }
            responsesInFlight += 1
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        guard case .end = unwrapOutboundIn(data) else { return }
        responsesInFlight = max(0, responsesInFlight - 1)
        if responsesInFlight == 0, refused != nil { answer(context: context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let parseError = error as? HTTPParserError, parseError == .headerOverflow {
            let ip = context.channel.remoteAddress?.ipAddress ?? ""
            reporter.hit(.httpMaxHeaderSize, value: maxHeaderSize, peer: ip)
        }
        context.fireErrorCaught(error)
    }

    /// 429 with `Connection: close`, then the end of the connection.
    private func answer(context: ChannelHandlerContext) {
        guard let head = refused, !answered else { return }
        answered = true
        let body = ByteBuffer(string: "{\"code\":429,\"message\":\"too many requests\"}")
        var headers = HTTPHeaders([
            ("Content-Type", "application/json"), ("Content-Length", "\(body.readableBytes)"), ("Connection", "close"),
            ("Retry-After", "\(Self.retryAfterSeconds)"),
        ])
        if crossdomain { headers.add(name: "Access-Control-Allow-Origin", value: "*") }
        let response = HTTPResponseHead(version: head.version, status: .tooManyRequests, headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        if head.method != .HEAD { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
