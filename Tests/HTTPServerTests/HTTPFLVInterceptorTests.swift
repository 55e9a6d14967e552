@testable import HTTPServer
import Live
import Logging
import Media
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Sessions
import Testing

/// The interceptor in an EmbeddedChannel behind NIO's HTTP/1 codec, over a real `StreamRegistry`.
@Suite struct HTTPFLVInterceptorTests {
    /// Collects what the interceptor lets through to the rest of the pipeline (Hummingbird in the server).
    final class PassedThrough: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        var heads: [HTTPRequestHead] = []
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = unwrapInboundIn(data) { heads.append(head) }
        }
    }

    struct DenyAll: SessionPolicy {
        func authorize(_ action: SessionAction, client: ClientSessionSnapshot, on eventLoop: any EventLoop)
            -> EventLoopFuture<SessionDecision>
        {
            eventLoop.makeSucceededFuture(.deny(reason: "token expired"))
        }
        func sessionDidEnd(_ end: SessionEnd, client: ClientSessionSnapshot) {}
    }

    static let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "s")

    final class Harness {
        let channel = EmbeddedChannel()
        let registry = StreamRegistry()
        let clients: ClientRegistry
        let passed = PassedThrough()
        var publisher: LivePublishSession?

        init(maxConnections: Int = 10, policy: any SessionPolicy = AllowAllPolicy(), republishTimeout: TimeAmount = .seconds(30)) throws {
            clients = ClientRegistry(maxConnections: maxConnections)
            let mount = HTTPFLVMount(
                vhost: "__defaultVhost__", mount: "[vhost]/[app]/[stream].flv", republishTimeout: republishTimeout)
            let settings = HTTPLiveSettings(
                registry: registry, mounts: HTTPFLVMounts(HTTPFLVMountTable(mounts: [mount])), clients: clients,
                policy: policy)
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(HTTPResponseEncoder())
            try operations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
            try operations.addHandler(HTTPFLVInterceptor(settings: settings, crossdomain: true, logger: Logger(label: "t")))
            try operations.addHandler(passed)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
        }

        func publish(_ packets: [MediaPacket]) throws {
            if publisher == nil {
                let future = registry.publish(HTTPFLVInterceptorTests.key, configuration: .init(), on: channel.embeddedEventLoop)
                channel.embeddedEventLoop.run()
                publisher = try future.wait()
            }
            for packet in packets { publisher?.append(packet) }
            publisher?.flush()
            channel.embeddedEventLoop.run()
        }

        func request(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
            channel.embeddedEventLoop.run()
            channel.embeddedEventLoop.run()
        }

        func output() throws -> ByteBuffer {
            var all = ByteBuffer()
            while var part = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&part) }
            return all
        }
    }

    static let media: [MediaPacket] = [
        MediaPacket(kind: .video, timestamp: 0, flags: [.keyframe, .sequenceHeader], payload: ByteBuffer(bytes: [0x17, 0, 0, 0, 0, 1, 2])),
        MediaPacket(kind: .audio, timestamp: 0, flags: [.sequenceHeader], payload: ByteBuffer(bytes: [0xAF, 0, 0x12, 0x10])),
        MediaPacket(kind: .video, timestamp: 0, flags: [.keyframe], payload: ByteBuffer(bytes: [0x17, 1, 0, 0, 0, 9, 9, 9])),
        MediaPacket(kind: .audio, timestamp: 10, flags: [], payload: ByteBuffer(bytes: [0xAF, 1, 5, 5])),
    ]

    /// Splits a response into its head and its de-chunked body.
    static func parseChunked(_ response: ByteBuffer) throws -> (head: String, body: ByteBuffer, ended: Bool) {
        var buffer = response
        let view = String(buffer: buffer)
        let headEnd = try #require(view.utf8.firstRange(of: "\r\n\r\n".utf8))
        let headLength = view.utf8.distance(from: view.utf8.startIndex, to: headEnd.upperBound)
        let readHead = buffer.readString(length: headLength)
        let head = try #require(readHead)
        var body = ByteBuffer()
        while buffer.readableBytes > 0 {
            let lineEnd = try #require(buffer.readableBytesView.firstIndex(of: 0x0D))
            let line = buffer.readString(length: lineEnd - buffer.readerIndex) ?? ""
            let size = try #require(Int(line, radix: 16))
            #expect(buffer.readString(length: 2) == "\r\n")
            if size == 0 {
                #expect(buffer.readString(length: 2) == "\r\n")
                return (head, body, true)
            }
            let slice = buffer.readSlice(length: size)
            var chunk = try #require(slice)
            body.writeBuffer(&chunk)
            #expect(buffer.readString(length: 2) == "\r\n")
        }
        return (head, body, false)
    }

    @Test func aLiveStreamIsServedFromTheGOPCache() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv?token=1 HTTP/1.1\r\nHost: example\r\n\r\n")
        let (head, body, ended) = try Self.parseChunked(try harness.output())
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("Content-Type: video/x-flv"))
        #expect(head.lowercased().contains("transfer-encoding: chunked"))
        #expect(head.contains("Access-Control-Allow-Origin: *"))
        #expect(!ended)
        var flv = body
        let decodedHeader = try flv.readFLVHeader()
        let header = try #require(decodedHeader)
        #expect(header.hasAudio && header.hasVideo)
        var tags: [FLVTag] = []
        while let tag = try flv.readFLVTag() { tags.append(tag) }
        #expect(tags.map(\.kind) == [.video, .audio, .video, .audio])
        #expect(tags.map(\.data) == Self.media.map(\.payload))
        #expect(harness.passed.heads.isEmpty)

        let client = try #require(harness.clients.sessions.first)
        #expect(client.info.kind == .flvPlayer)
        #expect(client.info.param == "?token=1")
        #expect(client.info.tcUrl == "http://example/live/s.flv?token=1")
        #expect(client.traffic.sentBytes > body.readableBytes)

        // Live packets follow, one chunk each.
        try harness.publish([MediaPacket(kind: .audio, timestamp: 20, flags: [], payload: ByteBuffer(bytes: [0xAF, 1, 6]))])
        let more = try harness.output()
        #expect(String(buffer: more).hasPrefix("12\r\n"))  // 11 + 3 + 4 = 0x12

        // Bytes after the request are swallowed; closing ends the session.
        try harness.request("GET /other HTTP/1.1\r\n\r\n")
        #expect(harness.passed.heads.isEmpty)
        try harness.channel.close().wait()
        #expect(harness.clients.count == 0)
    }

    @Test func otherRequestsPassThrough() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("GET /live/s.m3u8 HTTP/1.1\r\n\r\nPOST /live/s.flv HTTP/1.1\r\nContent-Length: 0\r\n\r\n")
        // A stream nobody publishes is left to the files (a DVR recording may have that name).
        try harness.request("GET /live/other.flv HTTP/1.1\r\n\r\n")
        #expect(harness.passed.heads.map(\.uri) == ["/live/s.m3u8", "/live/s.flv", "/live/other.flv"])
        #expect(try harness.output().readableBytes == 0)
        #expect(harness.clients.count == 0)
    }

    @Test func aStreamRequestWaitsForTheResponseBeforeIt() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("GET /a.m3u8 HTTP/1.1\r\n\r\nGET /live/s.flv HTTP/1.1\r\n\r\n")
        #expect(harness.passed.heads.map(\.uri) == ["/a.m3u8"])
        #expect(try harness.output().readableBytes == 0)
        // Hummingbird answers the first request; the stream starts after its end.
        let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": "0"])
        try harness.channel.writeOutbound(HTTPServerResponsePart.head(head))
        try harness.channel.writeOutbound(HTTPServerResponsePart.end(nil))
        harness.channel.embeddedEventLoop.run()
        let text = String(buffer: try harness.output())
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(text.contains("video/x-flv"))
    }

    @Test func maxConnectionsRefusesWith503() throws {
        let harness = try Harness(maxConnections: 0)
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.1\r\n\r\n")
        let text = String(buffer: try harness.output())
        #expect(text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(text.hasSuffix(#"{"code":503,"message":"max_connections (0) reached"}"#))
        #expect(!harness.channel.isActive)
        #expect(harness.clients.refusedCount == 1)
    }

    @Test func aDeniedPlayGets403() throws {
        let harness = try Harness(policy: DenyAll())
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.1\r\n\r\n")
        let text = String(buffer: try harness.output())
        #expect(text.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        #expect(text.hasSuffix(#"{"code":403,"message":"token expired"}"#))
        #expect(!harness.channel.isActive)
        #expect(harness.clients.count == 0)
    }

    @Test func headGetsTheHeadOnly() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("HEAD /live/s.flv HTTP/1.1\r\n\r\n")
        let text = String(buffer: try harness.output())
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
        #expect(!harness.channel.isActive)
    }

    @Test func http10GetsBareFLV() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.0\r\n\r\n")
        var output = try harness.output()
        let text = String(buffer: output)
        #expect(text.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(!text.lowercased().contains("transfer-encoding"))
        let headLength = try #require(text.utf8.firstRange(of: "\r\n\r\n".utf8)).upperBound
        output.moveReaderIndex(forwardBy: text.utf8.distance(from: text.utf8.startIndex, to: headLength))
        let decodedHeader = try output.readFLVHeader()
        #expect(decodedHeader != nil)
        var count = 0
        while try output.readFLVTag() != nil { count += 1 }
        #expect(count == Self.media.count)
    }

    @Test func theResponseEndsWhenNoPublisherReturns() throws {
        let harness = try Harness(republishTimeout: .seconds(5))
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.1\r\n\r\n")
        _ = try harness.output()
        harness.publisher?.finish()
        harness.channel.embeddedEventLoop.run()
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(String(buffer: try harness.output()) == "0\r\n\r\n")
        #expect(!harness.channel.isActive)
    }

    @Test func aRepublishKeepsThePlayer() throws {
        let harness = try Harness(republishTimeout: .seconds(5))
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.1\r\n\r\n")
        _ = try harness.output()
        harness.publisher?.finish()
        harness.publisher = nil
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        try harness.publish(Self.media)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(harness.channel.isActive)
        let (_, body, ended) = try Self.parseChunked(ByteBuffer(string: "x\r\n\r\n").merged(with: try harness.output()))
        #expect(!ended)
        var flv = body
        var count = 0
        while try flv.readFLVTag() != nil { count += 1 }
        #expect(count == Self.media.count)  // fresh headers and frames after the republish
    }

    @Test func shutdownEndsTheStream() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.1\r\n\r\n")
        _ = try harness.output()
        harness.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        harness.channel.embeddedEventLoop.run()
        #expect(String(buffer: try harness.output()) == "0\r\n\r\n")
        #expect(!harness.channel.isActive)
        #expect(harness.clients.count == 0)
    }

    @Test func aPlayerWaitsForWritabilityAndIsCutThenDroppedWhenItStaysBehind() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.1\r\n\r\n")
        _ = try harness.output()
        func gop(at start: Int64, seconds: Int64) -> [MediaPacket] {
            (0..<(seconds * 25)).map { frame in
                MediaPacket(
                    kind: .video, timestamp: start + frame * 40, flags: frame == 0 ? [.keyframe] : [],
                    payload: ByteBuffer(bytes: [frame == 0 ? 0x17 : 0x27, 1, 0, 0, 0, 1, 2, 3]))
            }
        }
        // Not writable: packets wait, and go out in order once the socket drains.
        harness.channel.isWritable = false
        harness.channel.pipeline.fireChannelWritabilityChanged()  // as a real channel announces it
        try harness.publish(gop(at: 100, seconds: 1))
        #expect(try harness.output().readableBytes == 0)
        harness.channel.isWritable = true
        harness.channel.pipeline.fireChannelWritabilityChanged()
        let (_, drained, _) = try Self.parseChunked(ByteBuffer(string: "x\r\n\r\n").merged(with: try harness.output()))
        var flv = drained
        var timestamps: [UInt32] = []
        while let tag = try flv.readFLVTag() { timestamps.append(tag.timestamp) }
        let expected: [UInt32] = (0..<25).map { (frame: UInt32) -> UInt32 in 100 + frame * 40 }
        #expect(timestamps == expected)

        // Staying behind: the queue (10 s) is cut back at each long GOP, and the player given up after three cuts.
        harness.channel.isWritable = false
        harness.channel.pipeline.fireChannelWritabilityChanged()  // as a real channel announces it
        for index in 0..<4 {
            try harness.publish(gop(at: 2_000 + Int64(index) * 12_000, seconds: 12))
        }
        #expect(!harness.channel.isActive)
        #expect(harness.clients.count == 0)
    }

    @Test func aKickClosesTheConnection() throws {
        let harness = try Harness()
        try harness.publish(Self.media)
        try harness.request("GET /live/s.flv HTTP/1.1\r\n\r\n")
        try #require(harness.clients.sessions.first).kick()
        harness.channel.embeddedEventLoop.run()
        #expect(!harness.channel.isActive)
        #expect(harness.clients.count == 0)
    }
}

extension ByteBuffer {
    fileprivate func merged(with other: ByteBuffer) -> ByteBuffer {
        var copy = self
        var other = other
        copy.writeBuffer(&other)
        return copy
    }
}
