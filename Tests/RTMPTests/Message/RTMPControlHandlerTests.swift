import NIOCore
import NIOEmbedded
import Testing

@testable import RTMP

@Suite struct RTMPControlHandlerTests {
    func makeChannel() throws -> (EmbeddedChannel, RTMPControlHandler) {
        let handler = RTMPControlHandler()
        let channel = EmbeddedChannel(handler: handler)
        return (channel, handler)
    }

    func video(size: Int, timestamp: UInt32 = 0) -> RTMPMessage {
        RTMPMessage(type: .video, streamID: 1, timestamp: timestamp, payload: ByteBuffer(repeating: 0x27, count: size))
    }

    func outboundControls(_ channel: EmbeddedChannel) throws -> [RTMPControlMessage] {
        var result: [RTMPControlMessage] = []
        while let outbound = try channel.readOutbound(as: RTMPOutbound.self) {
            guard case .message(let message) = outbound else {
                Issue.record("control handler wrote pre-chunked bytes")
                continue
            }
            result.append(try #require(try RTMPControlMessage(message)))
        }
        return result
    }

    @Test func sendsAcknowledgementAfterWindow() throws {
        let (channel, handler) = try makeChannel()
        try channel.writeInbound(RTMPControlMessage.windowAcknowledgementSize(10_000).message())
        #expect(handler.peerWindowAcknowledgementSize == 10_000)
        #expect(try channel.readInbound(as: RTMPMessage.self) == nil)  // swallowed

        // 9 messages of 1000 bytes at chunk size 128: below the window, no ack yet.
        for _ in 0..<9 { try channel.writeInbound(video(size: 1000)) }
        #expect(try outboundControls(channel).isEmpty)
        try channel.writeInbound(video(size: 1000))
        let acks = try outboundControls(channel)
        #expect(acks.count == 1)
        guard case .acknowledgement(let sequence) = acks.first else {
            Issue.record("expected an acknowledgement, got \(acks)")
            return
        }
        // 16 bytes (window ack message) + 10 × (1000 + 12 + 7 continuation headers).
        #expect(sequence == 16 + 10 * 1019)
        #expect(UInt64(sequence) == handler.bytesReceived)
        // Media passed up.
        var forwarded = 0
        while try channel.readInbound(as: RTMPMessage.self) != nil { forwarded += 1 }
        #expect(forwarded == 10)

        // The next ack comes one window later, not earlier.
        for _ in 0..<9 { try channel.writeInbound(video(size: 1000)) }
        #expect(try outboundControls(channel).isEmpty)
        try channel.writeInbound(video(size: 1000))
        #expect(try outboundControls(channel).count == 1)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func estimateFollowsPeerChunkSize() throws {
        let (channel, handler) = try makeChannel()
        try channel.writeInbound(RTMPControlMessage.setChunkSize(4096).message())
        // Set Chunk Size itself is passed up for anyone who cares.
        #expect(try channel.readInbound(as: RTMPMessage.self)?.type == .setChunkSize)
        let before = handler.bytesReceived
        try channel.writeInbound(video(size: 10_000, timestamp: 0x0100_0000))
        // 3 chunks: 12-byte first header, 2 continuation headers, 3 extended timestamps.
        #expect(handler.bytesReceived - before == 10_000 + 12 + 2 + 12)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func countsRawBytesWhenToldTo() throws {
        let channel = EmbeddedChannel()
        let handler = RTMPControlHandler()
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.writeInbound(RTMPControlMessage.windowAcknowledgementSize(5000).message())
        channel.pipeline.fireUserInboundEventTriggered(RTMPBytesReceivedEvent(count: 4999))
        #expect(try outboundControls(channel).isEmpty)
        // Messages no longer add estimates.
        try channel.writeInbound(video(size: 3000))
        #expect(try outboundControls(channel).isEmpty)
        channel.pipeline.fireUserInboundEventTriggered(RTMPBytesReceivedEvent(count: 1))
        #expect(try outboundControls(channel) == [.acknowledgement(sequenceNumber: 5000)])
        #expect(handler.bytesReceived == 5000)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func byteCountingHandlerFeedsControlHandler() throws {
        let handler = RTMPControlHandler()
        let channel = EmbeddedChannel()
        // Byte counter → (chunk decoder stand-in that swallows bytes) → control handler.
        try channel.pipeline.syncOperations.addHandlers([RTMPByteCountingHandler(), SwallowBytes(), handler])
        try channel.writeInbound(ByteBuffer(repeating: 0, count: 3073))
        #expect(handler.bytesReceived == 3073)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func answersPing() throws {
        let (channel, _) = try makeChannel()
        try channel.writeInbound(RTMPControlMessage.userControl(.pingRequest(timestamp: 4242)).message())
        #expect(try channel.readInbound(as: RTMPMessage.self) == nil)
        #expect(try outboundControls(channel) == [.userControl(.pingResponse(timestamp: 4242))])
        try channel.writeInbound(RTMPControlMessage.userControl(.pingResponse(timestamp: 1)).message())
        #expect(try channel.readInbound(as: RTMPMessage.self) == nil)
        #expect(try outboundControls(channel).isEmpty)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func swallowsAndPassesTheRightMessages() throws {
        let (channel, _) = try makeChannel()
        let swallowed: [RTMPControlMessage] = [
            .acknowledgement(sequenceNumber: 1), .setPeerBandwidth(1, limitType: .soft),
            .windowAcknowledgementSize(1_000_000),
        ]
        for control in swallowed { try channel.writeInbound(control.message()) }
        #expect(try channel.readInbound(as: RTMPMessage.self) == nil)

        let passed: [RTMPControlMessage] = [
            .userControl(.streamBegin(streamID: 1)), .userControl(.streamEOF(streamID: 1)), .abort(chunkStreamID: 4),
        ]
        for control in passed { try channel.writeInbound(control.message()) }
        var received: [RTMPControlMessage] = []
        while let message = try channel.readInbound(as: RTMPMessage.self) {
            received.append(try #require(try RTMPControlMessage(message)))
        }
        #expect(received == passed)

        let command = RTMPMessage(type: .amf0Command, streamID: 0, payload: ByteBuffer(bytes: [5]))
        try channel.writeInbound(command)
        #expect(try channel.readInbound(as: RTMPMessage.self)?.type == .amf0Command)
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func unpacksAggregates() throws {
        let (channel, _) = try makeChannel()
        var builder = AggregateBuilder()
        builder.add(type: 8, timestamp: 1000, body: [0xAF, 1])
        builder.add(type: 9, timestamp: 1033, body: [0x27, 1])
        builder.add(type: 8, timestamp: 1046, body: [0xAF, 1])
        try channel.writeInbound(builder.message(timestamp: 2000))
        var received: [RTMPMessage] = []
        while let message = try channel.readInbound(as: RTMPMessage.self) { received.append(message) }
        #expect(received.map(\.typeID) == [8, 9, 8])
        #expect(received.map(\.timestamp) == [2000, 2033, 2046])
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func malformedMessagesRaiseErrors() throws {
        let (channel, _) = try makeChannel()
        var bad = AggregateBuilder()
        bad.buffer.writeBytes([9, 0, 0])
        #expect(throws: RTMPMessageError.malformedAggregate) { try channel.writeInbound(bad.message(timestamp: 0)) }
        let shortAck = RTMPMessage(type: .windowAcknowledgementSize, streamID: 0, payload: ByteBuffer(bytes: [1]))
        #expect(throws: RTMPMessageError.truncatedPayload) { try channel.writeInbound(shortAck) }
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func outboundPassesThrough() throws {
        let (channel, _) = try makeChannel()
        try channel.writeOutbound(RTMPOutbound.message(video(size: 10)))
        guard case .message(let message) = try channel.readOutbound(as: RTMPOutbound.self) else {
            Issue.record("expected the message to pass through")
            return
        }
        #expect(message.type == .video)
        try channel.writeOutbound(RTMPOutbound.chunks(ByteBuffer(string: "chunks")))
        guard case .chunks(let bytes) = try channel.readOutbound(as: RTMPOutbound.self) else {
            Issue.record("expected pre-chunked bytes to pass through")
            return
        }
        #expect(bytes == ByteBuffer(string: "chunks"))
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}

private final class SwallowBytes: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
