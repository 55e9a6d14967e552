import Config
import Live
import Logging
import Media
import NIOCore
import NIOPosix
import RTMP
import Sessions
import Testing

@testable import Edge

@Suite("RTMP push client", .timeLimit(.minutes(1)))
struct RTMPPushClientTests {
    @Test("metadata goes upstream as @setDataFrame + onMetaData, which the ingest side unwraps again")
    func metadataMessage() throws {
        var body = ByteBuffer()
        body.writeAMF0Value(.string(RTMPDataMessage.Handler.onMetaData))
        body.writeAMF0Value(.ecmaArray([AMF0Property("width", .number(320))]))
        let packet = MediaPacket(kind: .data, timestamp: 0x1_0000_0010, flags: .metadata, payload: body)
        let message = RTMPPushClient.message(for: packet, streamID: 7)
        #expect(message.type == .amf0Data && message.streamID == 7 && message.timestamp == 0x10)
        let decoded = try RTMPDataMessage(message)
        #expect(decoded.handler == RTMPDataMessage.Handler.setDataFrame)
        #expect(decoded.values.first?.stringValue == RTMPDataMessage.Handler.onMetaData)
        let script = try RTMPDataMessage.scriptBody(of: message)
        #expect(script.isMetadata && script.payload == body)
    }

    @Test("audio and video keep their payload and type")
    func mediaMessages() {
        let payload = ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0])
        let video = RTMPPushClient.message(
            for: MediaPacket(kind: .video, timestamp: 40, flags: .keyframe, payload: payload), streamID: 1)
        #expect(video.type == .video && video.payload == payload && video.timestamp == 40)
        let audio = RTMPPushClient.message(
            for: MediaPacket(kind: .audio, timestamp: 41, flags: [], payload: payload), streamID: 1)
        #expect(audio.type == .audio && audio.chunkStreamID == RTMPChunkStreamID.audio)
    }

    @Test("a push whose servers all refuse the connection gives up after one round")
    func givesUpWhenEveryServerRefuses() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        // Two ports nobody listens on: bound and closed again at once.
        let ports = try await [Self.closedPort(group), Self.closedPort(group)]
        let servers = ports.map { UpstreamAddress(host: "127.0.0.1", port: $0) }
        let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "test")
        let outcome = try await loop.submit { () -> EventLoopFuture<String> in
            let promise = loop.makePromise(of: String.self)
            let client = RTMPPushClient(
                target: .init(role: .push, key: key, servers: servers, timeout: .seconds(2)), on: loop,
                logger: Logger(label: "test"), givesUpAfterFirstRound: true)
            client.onStart = { promise.succeed("started") }
            client.onGiveUp = { reason in promise.succeed("gave up: \(reason) after \(client.status.reconnects)") }
            client.start()
            return promise.futureResult
        }.flatMap { $0 }.get()
        #expect(outcome.hasPrefix("gave up: \(servers[1])"), "\(outcome)")
    }

    @Test("a server that accepts TCP but never answers the handshake is given up after the timeout")
    func silentServerTimesOut() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        // Accepts connections and never writes a byte.
        let silent = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let server = UpstreamAddress(host: "127.0.0.1", port: silent.localAddress?.port ?? 0)
        let key = StreamKey(vhost: "__defaultVhost__", app: "live", stream: "test")
        let outcome = try await loop.submit { () -> EventLoopFuture<String> in
            let promise = loop.makePromise(of: String.self)
            let client = RTMPPushClient(
                target: .init(role: .push, key: key, servers: [server], timeout: .milliseconds(300)), on: loop,
                logger: Logger(label: "test"), givesUpAfterFirstRound: true)
            client.onStart = { promise.succeed("started") }
            client.onGiveUp = { reason in promise.succeed("gave up: \(reason)") }
            client.start()
            return promise.futureResult
        }.flatMap { $0 }.get()
        try await silent.close()
        #expect(outcome.hasPrefix("gave up: \(server): no Publish.Start"), "\(outcome)")
    }

    static func closedPort(_ group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
