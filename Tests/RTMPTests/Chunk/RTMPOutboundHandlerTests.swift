import NIOCore
import NIOEmbedded
import Testing

@testable import RTMP

/// `RTMPOutboundHandler`: a group of messages (`RTMPOutbound.messages`, a session's replies) is one
/// buffer with the bytes the same messages make written one at a time, the encoder's header
/// compression carried across the group.
@Suite struct RTMPOutboundHandlerTests {
    /// Play's replies: a control message, two commands over the 128-byte default chunk size, a data message.
    static let replies = [
        RTMPControlMessage.userControl(.streamBegin(streamID: 1)).message(),
        RTMPCommand.onStatus(.playReset(streamName: "camera", clientID: "42")).message(streamID: 1),
        RTMPCommand.onStatus(.playStart(streamName: "camera", clientID: "42")).message(streamID: 1),
        RTMPDataMessage.sampleAccess().message(streamID: 1),
    ]

    static func written(_ outbound: [RTMPOutbound]) throws -> [ByteBuffer] {
        let channel = EmbeddedChannel(handler: RTMPOutboundHandler())
        for item in outbound { try channel.writeOutbound(item) }
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        _ = try channel.finish(acceptAlreadyClosed: true)
        return buffers
    }

    @Test func aGroupIsOneBufferWithTheBytesOfItsMessagesOneByOne() throws {
        let grouped = try Self.written([.messages(Self.replies)])
        let oneByOne = try Self.written(Self.replies.map { .message($0) })
        #expect(grouped.count == 1)
        #expect(oneByOne.count == Self.replies.count)
        var joined = ByteBuffer()
        for var buffer in oneByOne { joined.writeBuffer(&buffer) }
        var group = try #require(grouped.first)
        #expect(group == joined)

        var decoder = RTMPChunkDecoder()
        var decoded: [RTMPMessage] = []
        while let message = try decoder.decode(buffer: &group) { decoded.append(message) }
        #expect(decoded.map(\.type) == Self.replies.map(\.type))
        #expect(decoded.map(\.payload) == Self.replies.map(\.payload))
    }

    @Test func aGroupFollowsTheEncoderStateOfEarlierWrites() throws {
        // The same group after a first message: header compression continues from that message.
        let first = RTMPCommand.onStatus(.playReset(streamName: "other")).message(streamID: 1)
        let afterGroup = try Self.written([.message(first), .messages(Self.replies)])
        let afterOneByOne = try Self.written([.message(first)] + Self.replies.map { .message($0) })
        var joined = ByteBuffer()
        for var buffer in afterOneByOne.dropFirst() { joined.writeBuffer(&buffer) }
        #expect(afterGroup.count == 2)
        #expect(afterGroup.last == joined)
    }
}
