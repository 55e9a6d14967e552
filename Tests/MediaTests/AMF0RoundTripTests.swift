import NIOCore
import NIOTestUtils
import Testing

@testable import Media

@Suite("AMF0 encoding and decoding")
struct AMF0RoundTripTests {
    static let samples: [AMF0Value] = [
        .number(0), .number(-0.5), .number(1e300), .number(.infinity),
        .boolean(true), .boolean(false),
        .string(""), .string("live"), .string("héllo 🌊"),
        .string(String(repeating: "x", count: 70_000)),
        .null, .undefined,
        .object([]),
        .object([AMF0Property("app", .string("live")), AMF0Property("n", .number(3))]),
        .ecmaArray([]),
        .ecmaArray([AMF0Property("width", .number(640)), AMF0Property("stereo", .boolean(true))]),
        .strictArray([]),
        .strictArray([.number(1), .string("two"), .null, .strictArray([.boolean(false)])]),
        .date(milliseconds: 1_700_000_000_123, timeZone: 0),
        .date(milliseconds: -1, timeZone: -60),
        .typedObject(className: "flex.messaging.Foo", properties: [AMF0Property("a", .undefined)]),
        .typedObject(className: "", properties: []),
        .object([AMF0Property("", .number(1))]),
    ]

    @Test("every type round-trips and the writer reports its byte count", arguments: samples)
    func roundTrip(_ value: AMF0Value) throws {
        var buffer = ByteBuffer()
        let written = buffer.writeAMF0Value(value)
        #expect(written == buffer.readableBytes)
        #expect(try buffer.readAMF0Value() == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test func nanRoundTripsBitForBit() throws {
        var buffer = ByteBuffer()
        buffer.writeAMF0Value(.number(.nan))
        let value = try #require(try buffer.readAMF0Value())
        guard case .number(let number) = value else {
            Issue.record("expected a number, got \(value)")
            return
        }
        #expect(number.bitPattern == Double.nan.bitPattern)
    }

    @Test func wireImagesMatchTheSpec() {
        func bytes(_ value: AMF0Value) -> [UInt8] {
            var buffer = ByteBuffer()
            buffer.writeAMF0Value(value)
            return Array(buffer.readableBytesView)
        }
        #expect(bytes(.number(1)) == [0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0])
        #expect(bytes(.boolean(true)) == [0x01, 0x01])
        #expect(bytes(.string("ab")) == [0x02, 0x00, 0x02, 0x61, 0x62])
        #expect(bytes(.null) == [0x05])
        #expect(bytes(.undefined) == [0x06])
        #expect(bytes(.object([AMF0Property("a", .null)])) == [0x03, 0x00, 0x01, 0x61, 0x05, 0x00, 0x00, 0x09])
        #expect(bytes(.ecmaArray([AMF0Property("a", .null)])) == [0x08, 0, 0, 0, 1, 0x00, 0x01, 0x61, 0x05, 0, 0, 0x09])
        #expect(bytes(.strictArray([.null, .undefined])) == [0x0A, 0, 0, 0, 2, 0x05, 0x06])
        #expect(bytes(.date(milliseconds: 0, timeZone: 1)) == [0x0B, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01])
        #expect(bytes(.typedObject(className: "C", properties: [])) == [0x10, 0x00, 0x01, 0x43, 0x00, 0x00, 0x09])
        let long = bytes(.string(String(repeating: "y", count: 65_536)))
        #expect(Array(long.prefix(5)) == [0x0C, 0x00, 0x01, 0x00, 0x00])
        let longest16 = bytes(.string(String(repeating: "y", count: 65_535)))
        #expect(Array(longest16.prefix(3)) == [0x02, 0xFF, 0xFF])
    }

    @Test func nestedObjectsKeepKeyOrder() throws {
        let keys = ["zeta", "alpha", "mid", "beta", "0", "Aa"]
        let inner = AMF0Value.object(keys.reversed().map { AMF0Property($0, .string($0)) })
        let value = AMF0Value.ecmaArray(keys.map { AMF0Property($0, $0 == "mid" ? inner : .number(1)) })
        var buffer = ByteBuffer()
        buffer.writeAMF0Value(value)
        let decoded = try #require(try buffer.readAMF0Value())
        #expect(decoded.properties?.map(\.key) == keys)
        #expect(decoded["mid"]?.properties?.map(\.key) == keys.reversed())
    }

    @Test func valuesSequenceRoundTrips() throws {
        let values: [AMF0Value] = [.string("_result"), .number(1), .null, .object([AMF0Property("level", .string("status"))])]
        var buffer = ByteBuffer()
        let written = buffer.writeAMF0Values(values)
        #expect(written == buffer.readableBytes)
        #expect(try buffer.readAMF0Values() == values)
        #expect(buffer.readableBytes == 0)
        var empty = ByteBuffer()
        #expect(try empty.readAMF0Values() == [])
    }

    @Test func everyCutPointNeedsMoreDataThenSucceeds() throws {
        let value = AMF0Value.strictArray([
            .typedObject(className: "T", properties: [AMF0Property("d", .date(milliseconds: 5, timeZone: 0))]),
            .ecmaArray([AMF0Property("s", .string("zz"))]),
            .object([AMF0Property("", .boolean(true)), AMF0Property("n", .number(2))]),
        ])
        var whole = ByteBuffer()
        whole.writeAMF0Value(value)
        for cut in 0..<whole.readableBytes {
            var prefix = whole.getSlice(at: whole.readerIndex, length: cut)!
            #expect(try prefix.readAMF0Value() == nil, "cut at \(cut)")
            #expect(prefix.readerIndex == 0 && prefix.readableBytes == cut)
            if cut > 0 {
                var tail = prefix
                #expect(throws: AMF0DecodingError.truncated) { try tail.readAMF0Values() }
            }
        }
        #expect(try whole.readAMF0Value() == value)
    }

    @Test func verifierDripFeedsBatchesAndShufflesValues() throws {
        let values: [AMF0Value] = [
            .string("onStatus"), .number(0), .null,
            .object([AMF0Property("code", .string("NetStream.Play.Start")), AMF0Property("x", .strictArray([.null]))]),
            .ecmaArray([AMF0Property("duration", .number(0))]), .date(milliseconds: 1, timeZone: 0),
        ]
        let pairs: [(ByteBuffer, [AMF0Value])] = values.map { value in
            var buffer = ByteBuffer()
            buffer.writeAMF0Value(value)
            return (buffer, [value])
        }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { AMF0ValueDecoder() }
    }
}

/// Adapts the AMF0 reader to a pipeline decoder so NIO's verifier can feed it.
private struct AMF0ValueDecoder: ByteToMessageDecoder {
    typealias InboundOut = AMF0Value

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let value = try buffer.readAMF0Value() else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(value))
        return .continue
    }
}
