import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP server on 127.0.0.1 (free port) that records each POST and answers as `respond` says;
/// `nil` means never answer (a hung hook server).
final class TestHookServer: Sendable {
    struct Call: Sendable, Hashable {
        var path: String
        var body: String
    }

    typealias Responder = @Sendable (_ path: String, _ body: String) -> (status: HTTPResponseStatus, body: String)?

    let channel: any Channel
    private let recorded = NIOLockedValueBox<[Call]>([])

    var port: Int { channel.localAddress?.port ?? 0 }
    var calls: [Call] { recorded.withLockedValue { $0 } }
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    init(group: any EventLoopGroup, respond: @escaping Responder) async throws {
        let recorded = self.recorded
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        RecordingHandler(respond: respond) { call in recorded.withLockedValue { $0.append(call) } })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async throws {
        try await channel.close()
    }
}

private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let respond: TestHookServer.Responder
    private let record: @Sendable (TestHookServer.Call) -> Void
    private var path = ""
    private var body = ""

    init(respond: @escaping TestHookServer.Responder, record: @escaping @Sendable (TestHookServer.Call) -> Void) {
        self.respond = respond
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
            body = ""
        case .body(let buffer):
            body += String(buffer: buffer)
        case .end:
            record(.init(path: path, body: body))
            guard let (status, text) = respond(path, body) else { return }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "\(text.utf8.count)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

@available(*, unavailable)
extension RecordingHandler: Sendable {}
