import NIOCore
import Testing

@testable import Media

@Suite("AMF0 decoding of malformed, referenced and captured input")
struct AMF0DecodingTests {
    static let malformed: [(String, [UInt8], AMF0DecodingError)] = [
        ("unknown marker", [0x12], .unknownMarker),
        ("unknown marker 0xFF", [0xFF, 0x00], .unknownMarker),
        ("movie clip is reserved", [0x04], .unsupportedMarker),
        ("record set is reserved", [0x0E], .unsupportedMarker),
        ("AMF3 switch", [0x11, 0x06], .unsupportedMarker),
        ("object end at top level", [0x09], .unexpectedObjectEnd),
        ("object end as property value", [0x03, 0x00, 0x01, 0x61, 0x09], .unexpectedObjectEnd),
        ("reference with empty table", [0x07, 0x00, 0x00], .invalidReference),
        ("reference past the table", [0x0A, 0, 0, 0, 1, 0x07, 0x00, 0x01], .invalidReference),
        ("reference to the object being decoded", [0x03, 0x00, 0x01, 0x61, 0x07, 0x00, 0x00, 0x00, 0x00, 0x09],
         .invalidReference),
        ("absurd long string", [0x0C, 0xFF, 0xFF, 0xFF, 0xFF], .lengthTooLarge),
        ("absurd strict array", [0x0A, 0x01, 0x00, 0x00, 0x00], .lengthTooLarge),
        ("unknown marker inside ECMA array", [0x08, 0, 0, 0, 1, 0x00, 0x01, 0x61, 0x20], .unknownMarker),
    ]

    @Test("malformed input throws and leaves the reader index alone", arguments: malformed)
    func malformedInputThrows(_ name: String, _ bytes: [UInt8], _ expected: AMF0DecodingError) {
        var buffer = ByteBuffer(bytes: bytes)
        #expect(throws: expected, Comment(rawValue: name)) { try buffer.readAMF0Value() }
        #expect(buffer.readerIndex == 0)
        #expect(throws: expected, Comment(rawValue: name)) { try buffer.readAMF0Values() }
        #expect(buffer.readerIndex == 0)
    }

    @Test func errorsCarryMarkerAndOffset() throws {
        var buffer = ByteBuffer(bytes: [0x05, 0x11])
        #expect(try buffer.readAMF0Value() == .null)
        let error = #expect(throws: AMF0DecodingError.self) { try buffer.readAMF0Value() }
        #expect(error?.marker == 0x11)
        #expect(error?.offset == 1)
    }

    @Test func nestingIsBounded() throws {
        func nested(_ depth: Int) -> ByteBuffer {
            var buffer = ByteBuffer()
            for _ in 0..<depth {
                buffer.writeBytes([0x0A, 0, 0, 0, 1])
            }
            buffer.writeInteger(AMF0Marker.null.rawValue)
            return buffer
        }
        var allowed = nested(AMF0Limits.maximumNestingDepth)
        #expect(try allowed.readAMF0Value() != nil)
        var tooDeep = nested(AMF0Limits.maximumNestingDepth + 1)
        #expect(throws: AMF0DecodingError.nestingTooDeep) { try tooDeep.readAMF0Value() }
        // The limit applies before the bytes run out, so a hostile prefix fails fast.
        var hostile = ByteBuffer()
        for _ in 0..<200 { hostile.writeBytes([0x03, 0x00, 0x01, 0x6B]) }
        #expect(throws: AMF0DecodingError.nestingTooDeep) { try hostile.readAMF0Value() }
    }

    @Test func referencesResolveToEarlierComplexValues() throws {
        // [ {a: 1}, ref 1 ]: the strict array takes slot 0, the object slot 1.
        var buffer = ByteBuffer(bytes: [
            0x0A, 0, 0, 0, 2,
            0x03, 0x00, 0x01, 0x61, 0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x09,
            0x07, 0x00, 0x01,
        ])
        let object = AMF0Value.object([AMF0Property("a", .number(1))])
        #expect(try buffer.readAMF0Value() == .strictArray([object, object]))
    }

    @Test func referencesSpanTheValuesOfOneMessage() throws {
        var buffer = ByteBuffer()
        buffer.writeAMF0Value(.ecmaArray([AMF0Property("k", .string("v"))]))
        buffer.writeAMF0Value(.typedObject(className: "C", properties: []))
        buffer.writeBytes([0x07, 0x00, 0x01, 0x07, 0x00, 0x00])
        let values = try buffer.readAMF0Values()
        #expect(values.count == 4)
        #expect(values[2] == values[1])
        #expect(values[3] == values[0])
        // A single read starts a fresh table.
        var alone = ByteBuffer(bytes: [0x07, 0x00, 0x00])
        #expect(throws: AMF0DecodingError.invalidReference) { try alone.readAMF0Value() }
    }

    @Test func lenientForms() throws {
        // An ECMA array whose count lies: the end marker decides.
        var lying = ByteBuffer(bytes: [0x08, 0, 0, 0, 9, 0x00, 0x01, 0x61, 0x05, 0x00, 0x01, 0x62, 0x06, 0, 0, 0x09])
        #expect(try lying.readAMF0Value() == .ecmaArray([AMF0Property("a", .null), AMF0Property("b", .undefined)]))
        var xml = ByteBuffer(bytes: [0x0F, 0, 0, 0, 3, 0x3C, 0x61, 0x3E])
        #expect(try xml.readAMF0Value() == .string("<a>"))
        var unsupported = ByteBuffer(bytes: [0x0D])
        #expect(try unsupported.readAMF0Value() == .undefined)
        var longForm = ByteBuffer(bytes: [0x0C, 0, 0, 0, 2, 0x68, 0x69])
        #expect(try longForm.readAMF0Value() == .string("hi"))
    }

    @Test func decodesFFmpegConnectCommand() throws {
        let original = try Fixture.load("ffmpeg-connect.amf0")
        var buffer = original
        let values = try buffer.readAMF0Values()
        #expect(values.count == 3)
        #expect(values[0] == .string("connect"))
        #expect(values[1] == .number(1))
        let object = values[2]
        #expect(object.properties?.map(\.key) == ["app", "type", "flashVer", "tcUrl"])
        #expect(object["app"] == .string("live"))
        #expect(object["type"] == .string("nonprivate"))
        #expect(object["flashVer"]?.stringValue?.hasPrefix("FMLE/3.0") == true)
        let tcURL = try #require(object["tcUrl"]?.stringValue)
        #expect(tcURL.hasPrefix("rtmp://127.0.0.1:") && tcURL.hasSuffix("/live"))
        var reencoded = ByteBuffer()
        reencoded.writeAMF0Values(values)
        #expect(reencoded == original)
    }

    @Test func decodesFFmpegOnMetaData() throws {
        let original = try Fixture.load("ffmpeg-onmetadata.amf0")
        var buffer = original
        let values = try buffer.readAMF0Values()
        #expect(values.count == 2)
        #expect(values[0] == .string("onMetaData"))
        let metadata = values[1]
        guard case .ecmaArray(let properties) = metadata else {
            Issue.record("onMetaData body is not an ECMA array: \(metadata)")
            return
        }
        #expect(properties.map(\.key) == [
            "duration", "width", "height", "videodatarate", "framerate", "videocodecid", "audiodatarate",
            "audiosamplerate", "audiosamplesize", "stereo", "audiocodecid", "encoder", "filesize",
        ])
        #expect(metadata["width"] == .number(320))
        #expect(metadata["height"] == .number(240))
        #expect(metadata["framerate"] == .number(25))
        #expect(metadata["videocodecid"] == .number(7))
        #expect(metadata["audiocodecid"] == .number(10))
        #expect(metadata["audiosamplerate"] == .number(44100))
        #expect(metadata["stereo"] == .boolean(false))  // lavfi sine is mono
        #expect(metadata["encoder"]?.stringValue?.hasPrefix("Lavf") == true)
        var reencoded = ByteBuffer()
        reencoded.writeAMF0Values(values)
        #expect(reencoded == original)
    }

    @Test func capturedBytesDripFed() throws {
        let original = try Fixture.load("ffmpeg-onmetadata.amf0")
        var expected = original
        let all = try expected.readAMF0Values()
        var decoded: [AMF0Value] = []
        var stream = ByteBuffer()
        for byte in original.readableBytesView {
            stream.writeInteger(byte)
            while let value = try stream.readAMF0Value() {
                decoded.append(value)
            }
        }
        #expect(decoded == all)
        #expect(stream.readableBytes == 0)
    }
}
