import Foundation
import Media
import NIOCore
import RTMP
import Testing

extension HeadwaterBinaryTests {
    /// Each bad input must make the server log one clear line and close that connection only:
    /// a live stream (ffmpeg publisher → ffmpeg player) keeps flowing and the process lives on.
    @Suite("Bad input closes only the offending connection", .timeLimit(.minutes(1)))
    struct BadInput {
        /// The message size limit these tests configure (`rtmp_max_message_size`).
        static let maxMessageSize = 1 << 20
        static let config = "rtmp_max_message_size \(maxMessageSize);"

        @Test("an HTTP request or random bytes instead of a handshake")
        func notAHandshake() throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)

            let http = try TestRTMPClient(port: server.rtmpPort)
            try http.write(Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: curl\r\n\r\n".utf8))
            #expect(http.waitUntilClosedByPeer(within: 5))

            var random = SeededGenerator(seed: 0x5EED)
            var noise = random.bytes(2048)
            noise[0] = 0xEE  // anything but version 3
            let garbage = try TestRTMPClient(port: server.rtmpPort)
            // The server may close after the first byte, so the tail of the write can fail.
            try? garbage.write(noise)
            #expect(garbage.waitUntilClosedByPeer(within: 5))

            // 'G' (71) is the version byte of an HTTP request.
            try expectOneLine("RTMPHandshakeError.unsupportedVersion(71)", server: server)
            try expectOneLine("RTMPHandshakeError.unsupportedVersion(238)", server: server)
            #expect(server.logCount("closing connection") == 2, "\(server.log)")
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("random bytes after a valid handshake")
        func garbageChunkStream() throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)
            var random = SeededGenerator(seed: 0xBAD_C0DE)
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            try? client.write(random.bytes(4096))
            #expect(client.waitUntilClosedByPeer(within: 5))
            try expectOneLine("closing connection", server: server)
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("Set Chunk Size of 0 and of 0x80000000", arguments: [UInt32(0), 0x8000_0000])
        func invalidChunkSize(size: UInt32) throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            try client.writeUnchecked(
                RTMPMessage(type: .setChunkSize, streamID: 0, payload: ByteBuffer(integer: size)))
            #expect(client.waitUntilClosedByPeer(within: 5))
            try expectOneLine(
                "RTMPChunkDecoderError.invalidChunkSize chunkStreamID=2 messageType=1 value=\(size)",
                server: server)
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("a message one byte over rtmp_max_message_size; the limit itself is accepted")
        func messageOverTheLimit() throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)

            // Exactly the limit, as a whole message from a publisher: accepted.
            let publisher = try TestRTMPClient(port: server.rtmpPort)
            try publisher.handshake()
            let streamID = try publisher.startSession(server.url("live/big"), mode: .publish)
            var payload = ByteBuffer(bytes: [0x17, 0x01, 0, 0, 0])
            payload.writeRepeatingByte(0, count: Self.maxMessageSize - payload.readableBytes)
            try publisher.write([RTMPMessage(type: .video, streamID: streamID, payload: payload)])
            #expect(!publisher.waitUntilClosedByPeer(within: 1), "\(server.log)")

            // One byte more: refused as soon as the header is read.
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            let length = Self.maxMessageSize + 1
            let header: [UInt8] = [
                0x06, 0, 0, 0, UInt8(length >> 16), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF), 0x09, 1, 0, 0,
                0,
            ]
            try? client.write(header + [UInt8](repeating: 0, count: 128))
            #expect(client.waitUntilClosedByPeer(within: 5))
            try expectOneLine(
                "RTMPChunkDecoderError.messageTooLarge chunkStreamID=6 messageType=9 value=\(length)",
                server: server)
            #expect(server.logCount("closing connection") == 1, "\(server.log)")
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("an unknown message type", arguments: [UInt8(7), 30])
        func unknownMessageType(typeID: UInt8) throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            try client.writeUnchecked(
                RTMPMessage(
                    typeID: typeID, streamID: 0, timestamp: 0, chunkStreamID: 3, payload: ByteBuffer(bytes: [1, 2, 3])))
            #expect(client.waitUntilClosedByPeer(within: 5))
            try expectOneLine("unknown RTMP message type \(typeID) on chunk stream 3", server: server)
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("a connect command whose AMF0 is cut off")
        func truncatedConnect() throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            var payload = ByteBuffer()
            payload.writeAMF0Value(.string("connect"))
            payload.writeAMF0Value(.number(1))
            // An object whose "app" string declares 16 bytes and holds 4: the message ends there.
            payload.writeBytes([0x03, 0x00, 0x03] + Array("app".utf8) + [0x02, 0x00, 0x10] + Array("live".utf8))
            try client.write([RTMPMessage(type: .amf0Command, streamID: 0, payload: payload)])
            #expect(client.waitUntilClosedByPeer(within: 5))
            try expectOneLine("malformed command", server: server)
            #expect(server.log.contains("AMF0DecodingError.truncated"), "\(server.log)")
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("publish before connect")
        func publishBeforeConnect() throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            let publish = RTMPCommand.publish(transactionID: 5, streamName: "canary", type: .live)
            try client.write([publish.message(streamID: 1)])
            #expect(client.waitUntilClosedByPeer(within: 5))
            try expectOneLine("command before connect: publish", server: server)
            // The canary's publisher still owns the stream name.
            #expect(server.logCount("publish started") == 1, "\(server.log)")
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        @Test("a second publisher for a live stream is refused with Publish.BadName")
        func streamHijack() throws {
            let server = try HeadwaterServer(extra: Self.config)
            let canary = try LiveCanary(server: server)
            let client = try TestRTMPClient(port: server.rtmpPort)
            try client.handshake()
            let error = #expect(throws: TestRTMPClient.Failure.self) {
                try client.startSession(server.url("live/canary"), mode: .publish)
            }
            #expect(error?.description.contains("NetStream.Publish.BadName") == true, "\(String(describing: error))")
            #expect(client.waitUntilClosedByPeer(within: 5))
            try expectOneLine("already has a publisher", server: server)
            #expect(canary.isFlowing(), "\(canary.diagnostics)")
        }

        /// Waits for `phrase` in the log and expects exactly one line with it.
        private func expectOneLine(
            _ phrase: String, server: HeadwaterServer,
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            #expect(
                server.waitForLog(phrase, timeout: 5), "no log line with \(phrase):\n\(server.log)",
                sourceLocation: sourceLocation)
            usleep(200_000)
            #expect(server.logCount(phrase) == 1, "\(server.log)", sourceLocation: sourceLocation)
        }
    }
}
