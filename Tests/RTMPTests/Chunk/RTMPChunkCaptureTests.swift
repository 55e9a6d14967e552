import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import RTMP

@Suite("RTMP chunks captured from ffmpeg")
struct RTMPChunkCaptureTests {
    static let capture = "Chunk/ffmpeg-publish-after-handshake.bin"

    @Test("ffmpeg's publish session decodes: connect first, then commands, metadata and media")
    func ffmpegPublish() throws {
        let input = try WireFixture.load(Self.capture)
        let messages = try ChunkTest.decodeAll(input)
        #expect(messages.count == 71)

        let connect = try #require(messages.first)
        #expect(connect.type == .amf0Command)
        #expect(connect.chunkStreamID == 3)
        #expect(connect.streamID == 0)
        #expect(connect.timestamp == 0)
        #expect(connect.payload.readableBytes == 140)
        #expect(connect.payload.getBytes(at: 0, length: 10) == [0x02, 0x00, 0x07] + Array("connect".utf8))

        let commands = messages.filter { $0.type == .amf0Command }.map { message -> String in
            let length = Int(message.payload.getInteger(at: 1, as: UInt16.self)!)
            return message.payload.getString(at: 3, length: length)!
        }
        #expect(
            commands == [
                "connect", "releaseStream", "FCPublish", "createStream", "publish", "FCUnpublish", "deleteStream",
            ])
        #expect(messages.filter { $0.type == .amf0Data }.count == 1)
        let media = messages.filter { $0.type == .audio || $0.type == .video }
        #expect(media.count == 63)
        #expect(media.allSatisfy { $0.streamID == 1 })
        for type in [RTMPMessageType.audio, .video] {
            let timestamps = media.filter { $0.type == type }.map(\.timestamp)
            #expect(timestamps == timestamps.sorted(), "\(type) timestamps go backwards")
            #expect(timestamps.last! > 800 && timestamps.last! < 1200)
        }
        // The first video message is the AVC sequence header (keyframe, AVCPacketType 0).
        let firstVideo = try #require(media.first { $0.type == .video })
        #expect(firstVideo.payload.getBytes(at: 0, length: 2) == [0x17, 0x00])
    }

    @Test("the capture decodes the same through the verifier (drip-fed, batched)")
    func verifier() throws {
        let input = try WireFixture.load(Self.capture)
        let expected = try ChunkTest.decodeAll(input).map(ChunkTestMessage.init)
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(input, expected)]) { ChunkTestDecoder() }
    }

    @Test("full server pipeline: byte counter, handshake, decoder on ffmpeg's bytes")
    func serverPipeline() throws {
        let counter = RTMPInboundByteCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([
            counter, RTMPHandshakeHandler(role: .server), ByteToMessageHandler(RTMPChunkDecoder()),
        ])
        let c0c1 = try WireFixture.load("Handshake/ffmpeg-c0c1.bin")
        try channel.writeInbound(c0c1)
        let reply = try #require(try channel.readOutbound(as: ByteBuffer.self))
        // C2 (ffmpeg echoes S1) and the session arrive in one read: the handshake handler must
        // hand the rest to the decoder.
        var rest = reply.getSlice(at: 1, length: 1536)!
        var session = try WireFixture.load(Self.capture)
        rest.writeBuffer(&session)
        try channel.writeInbound(rest)

        let first = try #require(try channel.readInbound(as: RTMPMessage.self))
        #expect(first.type == .amf0Command)
        var count = 1
        while try channel.readInbound(as: RTMPMessage.self) != nil { count += 1 }
        #expect(count == 71)
        #expect(counter.totalBytes == 1537 + 1536 + 10716)
        #expect(try channel.pipeline.syncOperations.handler(type: RTMPInboundByteCounter.self) === counter)
        #expect(try channel.finish().isClean)
    }

    @Test("the byte counter passes bytes through and counts them")
    func byteCounter() throws {
        let counter = RTMPInboundByteCounter()
        let channel = EmbeddedChannel(handler: counter)
        try channel.writeInbound(ByteBuffer(string: "abc"))
        try channel.writeInbound(ByteBuffer())
        try channel.writeInbound(ByteBuffer(repeating: 0, count: 1000))
        #expect(counter.totalBytes == 1003)
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(string: "abc"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer())
        #expect(try channel.readInbound(as: ByteBuffer.self) == ByteBuffer(repeating: 0, count: 1000))
        #expect(try channel.finish().isClean)
    }
}
