import Foundation
import NIOCore
import NIOPosix
import RTMP
import Testing

/// The handshake and chunk codecs against ffmpeg on loopback: ffmpeg as a player checks our
/// server's S1 digest and S2 signature, and ffmpeg's `-listen` server accepts our client.
/// Runs with HEADWATER_INTEGRATION=1 and ffmpeg on PATH.
@Suite(
    "RTMP handshake and chunks against ffmpeg",
    .enabled(if: RTMPWireInterop.isEnabled, "set HEADWATER_INTEGRATION=1 and install ffmpeg"),
    .timeLimit(.minutes(1)))
struct RTMPWireInteropTests {
    @Test("ffmpeg as a player accepts our digest S1/S2 and sends connect")
    func ffmpegPlayerAgainstServer() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let received = group.next().makePromise(of: RTMPMessage.self)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        RTMPHandshakeHandler(role: .server),
                        ByteToMessageHandler(RTMPChunkDecoder()),
                        RTMPWireInterop.FirstCommand(received),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(server.localAddress?.port)
        let ffmpeg = try RTMPWireInterop.start([
            "-nostdin", "-loglevel", "error", "-i", "rtmp://127.0.0.1:\(port)/live/x", "-f", "null", "-",
        ])
        let timeout = group.next().scheduleTask(in: .seconds(20)) {
            received.fail(ChannelError.connectTimeout(.seconds(20)))
        }

        let result: Result<RTMPMessage, any Error>
        do {
            result = .success(try await received.futureResult.get())
        } catch {
            result = .failure(error)
        }
        timeout.cancel()
        RTMPWireInterop.stop(ffmpeg)
        try await server.close()
        try await group.shutdownGracefully()

        let connect = try result.get()
        #expect(connect.chunkStreamID == 3)
        #expect(
            connect.payload.getBytes(at: connect.payload.readerIndex, length: 10) == [0x02, 0x00, 0x07]
                + Array("connect".utf8))
    }

    @Test("our client completes the handshake with ffmpeg -listen and decodes its _result")
    func clientAgainstFFmpegServer() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Find a free port: ffmpeg -listen cannot report the one it picks.
        let probe = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(probe.localAddress?.port)
        try await probe.close()
        let ffmpeg = try RTMPWireInterop.start([
            "-nostdin", "-loglevel", "error", "-listen", "1", "-i", "rtmp://127.0.0.1:\(port)/live/x",
            "-f", "null", "-",
        ])

        let received = group.next().makePromise(of: RTMPMessage.self)
        let tcURL = "rtmp://127.0.0.1:\(port)/live"
        var channel: (any Channel)?
        for _ in 0..<100 where channel == nil {
            channel = try? await ClientBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([
                            RTMPHandshakeHandler(role: .client),
                            ByteToMessageHandler(RTMPChunkDecoder()),
                            MessageToByteHandler(RTMPChunkEncoder()),
                            RTMPWireInterop.ConnectOnHandshake(tcURL: tcURL),
                            RTMPWireInterop.FirstCommand(received),
                        ])
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            if channel == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let timeout = group.next().scheduleTask(in: .seconds(20)) {
            received.fail(ChannelError.connectTimeout(.seconds(20)))
        }

        let result: Result<RTMPMessage, any Error>
        do {
            result = .success(try await received.futureResult.get())
        } catch {
            result = .failure(error)
        }
        timeout.cancel()
        try? await channel?.close()
        RTMPWireInterop.stop(ffmpeg)
        try await group.shutdownGracefully()

        let reply = try result.get()
        #expect(
            reply.payload.getBytes(at: reply.payload.readerIndex, length: 10) == [0x02, 0x00, 0x07]
                + Array("_result".utf8))
    }
}

enum RTMPWireInterop {
    static let ffmpegPath: String? = {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return searchPath.split(separator: ":").map { "\($0)/ffmpeg" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    static let isEnabled = ProcessInfo.processInfo.environment["HEADWATER_INTEGRATION"] == "1" && ffmpegPath != nil

    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ffmpegPath!)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Stops the process by its pid and waits for it.
    static func stop(_ process: Process) {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// Completes `promise` with the first AMF0 command message.
    final class FirstCommand: ChannelInboundHandler {
        typealias InboundIn = RTMPMessage
        private let promise: EventLoopPromise<RTMPMessage>

        init(_ promise: EventLoopPromise<RTMPMessage>) {
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let message = Self.unwrapInboundIn(data)
            if message.type == .amf0Command {
                self.promise.succeed(message)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.promise.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.promise.fail(ChannelError.eof)
        }
    }

    /// Sends a minimal AMF0 `connect` once the handshake completes.
    final class ConnectOnHandshake: ChannelInboundHandler {
        typealias InboundIn = RTMPMessage
        typealias InboundOut = RTMPMessage
        typealias OutboundOut = RTMPMessage
        private let tcURL: String

        init(tcURL: String) {
            self.tcURL = tcURL
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .completed? = event as? RTMPHandshakeEvent {
                var payload = ByteBuffer()
                writeString("connect", to: &payload)
                payload.writeInteger(UInt8(0))
                payload.writeInteger((1.0).bitPattern)
                payload.writeInteger(UInt8(3))
                for (key, value) in [("app", "live"), ("flashVer", "FMLE/3.0"), ("tcUrl", self.tcURL)] {
                    payload.writeInteger(UInt16(key.utf8.count))
                    payload.writeString(key)
                    writeString(value, to: &payload)
                }
                payload.writeBytes([0, 0, 9])
                let message = RTMPMessage(type: .amf0Command, streamID: 0, payload: payload)
                context.writeAndFlush(Self.wrapOutboundOut(message), promise: nil)
            }
            context.fireUserInboundEventTriggered(event)
        }

        private func writeString(_ string: String, to buffer: inout ByteBuffer) {
            buffer.writeInteger(UInt8(2))
            buffer.writeInteger(UInt16(string.utf8.count))
            buffer.writeString(string)
        }
    }
}
