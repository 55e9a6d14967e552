import NIOCore
import Testing

@testable import RTMP

@Suite struct RTMPControlMessageTests {
    static let all: [RTMPControlMessage] = [
        .setChunkSize(60000),
        .abort(chunkStreamID: 6),
        .acknowledgement(sequenceNumber: 0xFFFF_FFF0),
        .windowAcknowledgementSize(2_500_000),
        .setPeerBandwidth(2_500_000, limitType: .dynamic),
        .setPeerBandwidth(1000, limitType: .hard),
        .userControl(.streamBegin(streamID: 1)),
        .userControl(.streamEOF(streamID: 1)),
        .userControl(.streamDry(streamID: 1)),
        .userControl(.setBufferLength(streamID: 1, milliseconds: 3000)),
        .userControl(.streamIsRecorded(streamID: 1)),
        .userControl(.pingRequest(timestamp: 123_456)),
        .userControl(.pingResponse(timestamp: 123_456)),
        .userControl(.unknown(eventType: 0x1A, data: ByteBuffer(bytes: [1, 2]))),
    ]

    @Test(arguments: all)
    func roundTrip(_ control: RTMPControlMessage) throws {
        let message = control.message()
        #expect(message.chunkStreamID == 2)
        #expect(message.streamID == 0)
        #expect(message.type == control.messageType)
        #expect(try RTMPControlMessage(message) == control)
    }

    @Test func exactBytes() {
        #expect(Array(buffer: RTMPControlMessage.setChunkSize(4096).message().payload) == [0, 0, 0x10, 0])
        #expect(
            Array(buffer: RTMPControlMessage.setPeerBandwidth(2_500_000, limitType: .dynamic).message().payload)
                == [0x00, 0x26, 0x25, 0xA0, 0x02]
        )
        #expect(
            Array(
                buffer: RTMPControlMessage.userControl(.setBufferLength(streamID: 1, milliseconds: 300)).message()
                    .payload
            )
                == [0, 3, 0, 0, 0, 1, 0, 0, 0x01, 0x2C]
        )
        #expect(
            Array(buffer: RTMPControlMessage.userControl(.pingResponse(timestamp: 7)).message().payload)
                == [0, 7, 0, 0, 0, 7]
        )
    }

    @Test func setChunkSizeIgnoresReservedBit() throws {
        let message = RTMPMessage(type: .setChunkSize, streamID: 0, payload: ByteBuffer(bytes: [0x80, 0, 0x10, 0]))
        #expect(try RTMPControlMessage(message) == .setChunkSize(4096))
    }

    @Test func nonControlTypesAreNil() throws {
        let message = RTMPMessage(type: .audio, streamID: 1, payload: ByteBuffer(bytes: [0xAF]))
        #expect(try RTMPControlMessage(message) == nil)
    }

    @Test(arguments: [
        (RTMPMessageType.setChunkSize, [0, 0, 1] as [UInt8]),
        (.acknowledgement, []),
        (.windowAcknowledgementSize, [1]),
        (.setPeerBandwidth, [0, 0, 0, 1]),
        (.userControl, [0]),
        (.userControl, [0, 0, 0, 0]),
        (.userControl, [0, 3, 0, 0, 0, 1, 0, 0]),
    ])
    func truncatedPayloadsThrow(_ type: RTMPMessageType, _ bytes: [UInt8]) {
        let message = RTMPMessage(type: type, streamID: 0, payload: ByteBuffer(bytes: bytes))
        #expect(throws: RTMPMessageError.truncatedPayload) { try RTMPControlMessage(message) }
    }

    @Test func unknownLimitTypeThrows() {
        let message = RTMPMessage(type: .setPeerBandwidth, streamID: 0, payload: ByteBuffer(bytes: [0, 0, 0, 1, 9]))
        #expect(throws: RTMPMessageError.invalidValue) { try RTMPControlMessage(message) }
    }
}
