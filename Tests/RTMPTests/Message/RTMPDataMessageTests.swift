import Media
import NIOCore
import Testing

@testable import RTMP

@Suite struct RTMPDataMessageTests {
    static let metadata: [AMF0Property] = [
        AMF0Property("duration", .number(0)), AMF0Property("width", .number(320)),
        AMF0Property("videocodecid", .number(7)), AMF0Property("encoder", .string("Lavf59.27.100")),
    ]

    func message(_ values: [AMF0Value], type: RTMPMessageType = .amf0Data, prefix: [UInt8] = []) -> RTMPMessage {
        var payload = ByteBuffer(bytes: prefix)
        payload.writeAMF0Values(values)
        return RTMPMessage(type: type, streamID: 1, timestamp: 0, payload: payload)
    }

    @Test func roundTrip() throws {
        let data = RTMPDataMessage(handler: "onTextData", values: [.object([AMF0Property("text", .string("hi"))])])
        let encoded = data.message(streamID: 1, timestamp: 40)
        #expect(encoded.type == .amf0Data)
        #expect(encoded.chunkStreamID == RTMPChunkStreamID.command)
        #expect(encoded.timestamp == 40)
        #expect(try RTMPDataMessage(encoded) == data)
    }

    @Test func sampleAccessGoldenBytes() {
        let bytes = Array(buffer: RTMPDataMessage.sampleAccess().message(streamID: 1).payload)
        #expect(bytes == AMF0Bytes.string("|RtmpSampleAccess") + AMF0Bytes.boolean(true) + AMF0Bytes.boolean(true))
        let dataStart = Array(buffer: RTMPDataMessage.dataStart.message(streamID: 1).payload)
        #expect(
            dataStart == AMF0Bytes.string("onStatus")
                + AMF0Bytes.object([("code", AMF0Bytes.string("NetStream.Data.Start"))])
        )
    }

    @Test func setDataFrameIsStripped() throws {
        let published = message([.string("@setDataFrame"), .string("onMetaData"), .ecmaArray(Self.metadata)])
        let body = try RTMPDataMessage.scriptBody(of: published)
        #expect(body.isMetadata)
        #expect(body.handler == "onMetaData")
        var expected = ByteBuffer()
        expected.writeAMF0Values([.string("onMetaData"), .ecmaArray(Self.metadata)])
        #expect(body.payload == expected)
    }

    @Test func setDataFrameObjectBecomesECMAArray() throws {
        let published = message([.string("@setDataFrame"), .string("onMetaData"), .object(Self.metadata)])
        var payload = try RTMPDataMessage.scriptBody(of: published).payload
        #expect(try payload.readAMF0Values() == [.string("onMetaData"), .ecmaArray(Self.metadata)])
    }

    @Test func plainMetadataPassesAsIs() throws {
        let published = message([.string("onMetaData"), .object(Self.metadata)])
        let body = try RTMPDataMessage.scriptBody(of: published)
        #expect(body.isMetadata)
        #expect(body.payload == published.payload)  // untouched, object kept
    }

    @Test func otherDataPassesAsIs() throws {
        for handler in ["onTextData", "onCuePoint"] {
            let published = message([.string(handler), .object([AMF0Property("text", .string("x"))])])
            let body = try RTMPDataMessage.scriptBody(of: published)
            #expect(!body.isMetadata)
            #expect(body.handler == handler)
            #expect(body.payload == published.payload)
        }
        let wrapped = message([.string("@setDataFrame"), .string("onCuePoint"), .number(1)])
        let body = try RTMPDataMessage.scriptBody(of: wrapped)
        #expect(!body.isMetadata)
        var payload = body.payload
        #expect(try payload.readAMF0Values() == [.string("onCuePoint"), .number(1)])
    }

    @Test func amf3DataSkipsFormatByte() throws {
        let published = message(
            [.string("@setDataFrame"), .string("onMetaData"), .ecmaArray(Self.metadata)],
            type: .amf3Data,
            prefix: [0]
        )
        let body = try RTMPDataMessage.scriptBody(of: published)
        #expect(body.isMetadata)
        let plain = message([.string("onMetaData"), .ecmaArray(Self.metadata)], type: .amf3Data, prefix: [0])
        var payload = try RTMPDataMessage.scriptBody(of: plain).payload
        #expect(try payload.readAMF0Values() == [.string("onMetaData"), .ecmaArray(Self.metadata)])
        #expect(try RTMPDataMessage(plain).handler == "onMetaData")
    }

    @Test func malformedDataThrows() {
        #expect(throws: RTMPMessageError.malformedData) { try RTMPDataMessage.scriptBody(of: message([.number(1)])) }
        #expect(throws: RTMPMessageError.malformedData) { try RTMPDataMessage.scriptBody(of: message([])) }
        #expect(throws: RTMPMessageError.malformedData) {
            try RTMPDataMessage.scriptBody(of: message([.string("@setDataFrame")]))
        }
        #expect(throws: RTMPMessageError.malformedData) {
            try RTMPDataMessage.scriptBody(of: message([.string("x")], type: .video))
        }
        let truncated = RTMPMessage(type: .amf0Data, streamID: 1, payload: ByteBuffer(bytes: [0x02, 0x00, 0x09, 0x6F]))
        #expect(throws: RTMPMessageError.malformedData) { try RTMPDataMessage.scriptBody(of: truncated) }
        #expect(throws: RTMPMessageError.malformedData) { try RTMPDataMessage(truncated) }
    }
}
