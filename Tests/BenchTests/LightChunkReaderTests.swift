import Media
import NIOCore
import RTMP
import Testing

@testable import Bench

/// What both parsers must agree on for one message.
private struct Seen: Hashable, CustomStringConvertible {
    var typeID: UInt8
    var streamID: UInt32
    var timestamp: UInt32
    var length: Int
    var chunkStreamID: UInt32
    var flags: UInt8
    /// Kept bodies only (control and command messages).
    var body: [UInt8]?

    var description: String { "type \(typeID) ts \(timestamp) len \(length) cs \(chunkStreamID) flags \(flags)" }
}

/// Decodes with the server's `RTMPChunkDecoder`: the reference.
private func reference(_ bytes: ByteBuffer) throws -> [Seen] {
    var decoder = RTMPChunkDecoder()
    var buffer = bytes
    var seen: [Seen] = []
    while let message = try decoder.decode(buffer: &buffer) {
        var entry = Seen(
            typeID: message.typeID, streamID: message.streamID, timestamp: message.timestamp,
            length: message.payload.readableBytes, chunkStreamID: message.chunkStreamID, flags: 0)
        switch message.type {
        case .audio:
            entry.flags = MediaPacket.Flags.classify(kind: .audio, payload: message.payload).rawValue
        case .video:
            entry.flags = MediaPacket.Flags.classify(kind: .video, payload: message.payload).rawValue
        case .amf0Data, .amf3Data, .amf0SharedObject, .amf3SharedObject, nil:
            break
        default:
            entry.body = Array(message.payload.readableBytesView)
        }
        seen.append(entry)
    }
    #expect(buffer.readableBytes == 0)
    return seen
}

/// Runs `LightChunkReader` over `bytes` cut into pieces of the given lengths.
private func light(_ bytes: ByteBuffer, pieces: [Int]) throws -> [Seen] {
    var reader = LightChunkReader()
    var seen: [Seen] = []
    var offset = bytes.readerIndex
    for length in pieces {
        var piece = bytes.getSlice(at: offset, length: length)!
        offset += length
        while let event = try reader.next(from: &piece) {
            switch event {
            case .media(let head, _, let flags):
                seen.append(Seen(head, flags: flags.rawValue))
            case .skipped(let head):
                seen.append(Seen(head, flags: 0))
            case .message(let message):
                var entry = Seen(
                    typeID: message.typeID, streamID: message.streamID, timestamp: message.timestamp,
                    length: message.payload.readableBytes, chunkStreamID: message.chunkStreamID, flags: 0)
                entry.body = Array(message.payload.readableBytesView)
                seen.append(entry)
            }
        }
        #expect(piece.readableBytes == 0, "the reader consumes all its input")
    }
    return seen
}

extension Seen {
    fileprivate init(_ head: LightMessageHead, flags: UInt8) {
        self.init(
            typeID: head.typeID, streamID: head.streamID, timestamp: head.timestamp, length: head.length,
            chunkStreamID: head.chunkStreamID, flags: flags)
    }
}

/// A deterministic generator so that failures repeat.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Checks the reader against the decoder on whole input, drip-fed input and random splits.
private func expectSameAsDecoder(_ bytes: ByteBuffer, minimumMessages: Int) throws {
    let expected = try reference(bytes)
    #expect(expected.count >= minimumMessages)
    let total = bytes.readableBytes
    #expect(try light(bytes, pieces: [total]) == expected)
    #expect(try light(bytes, pieces: Array(repeating: 1, count: total)) == expected)
    var random = SplitMix(state: UInt64(total))
    for _ in 0..<20 {
        var pieces: [Int] = []
        var left = total
        while left > 0 {
            let piece = min(left, Int.random(in: 1...max(1, total / 7), using: &random))
            pieces.append(piece)
            left -= piece
        }
        #expect(try light(bytes, pieces: pieces) == expected)
    }
}

private func payload(_ head: [UInt8], length: Int) -> ByteBuffer {
    var buffer = ByteBuffer(bytes: head)
    for index in head.count..<max(head.count, length) { buffer.writeInteger(UInt8(truncatingIfNeeded: index)) }
    return buffer
}

private func media(_ type: RTMPMessageType, _ head: [UInt8], length: Int, timestamp: UInt32, cs: UInt32? = nil)
    -> RTMPMessage
{
    var message = RTMPMessage(type: type, streamID: 1, timestamp: timestamp, payload: payload(head, length: length))
    if let cs { message.chunkStreamID = cs }
    return message
}

/// A play session's worth of messages, as a server sends them.
private func session(chunkSize: UInt32, baseTimestamp: UInt32) -> [RTMPMessage] {
    var messages: [RTMPMessage] = [
        RTMPControlMessage.windowAcknowledgementSize(2_500_000).message(),
        RTMPControlMessage.setChunkSize(chunkSize).message(),
        RTMPMessage(type: .amf0Command, streamID: 0, payload: payload([0x02, 0x00, 0x07], length: 300)),
        RTMPControlMessage.userControl(.pingRequest(timestamp: 77)).message(),
        media(.amf0Data, [0x02], length: 400, timestamp: baseTimestamp),
        media(.video, [0x17, 0x00], length: 40, timestamp: baseTimestamp),
        media(.audio, [0xAF, 0x00], length: 2, timestamp: baseTimestamp),
        media(.video, [0x17, 0x01], length: 9000, timestamp: baseTimestamp, cs: 70),
        media(.audio, [0xAF, 0x01], length: 300, timestamp: baseTimestamp &+ 23),
        media(.video, [0x27, 0x01], length: 1500, timestamp: baseTimestamp &+ 40, cs: 400),
        media(.video, [0x27], length: 1, timestamp: baseTimestamp &+ 80),
        media(.audio, [], length: 0, timestamp: baseTimestamp &+ 90),
    ]
    messages.append(RTMPMessage(type: .amf0Command, streamID: 1, timestamp: 5, payload: payload([0x02], length: 200)))
    return messages
}

@Suite struct LightChunkReaderTests {
    @Test(arguments: [1, 7, 128, 4096, 60000] as [UInt32])
    func matchesTheDecoderForEncodedSessions(chunkSize: UInt32) throws {
        for base: UInt32 in [0, 1000, 0xFF_FFF0, 0xFF_FFFF, 0xFFFF_FFF0] {
            let encoder = RTMPChunkEncoder()
            var bytes = ByteBuffer()
            for message in session(chunkSize: chunkSize, baseTimestamp: base) {
                try encoder.encode(data: message, out: &bytes)
            }
            try expectSameAsDecoder(bytes, minimumMessages: 13)
        }
    }

    @Test func matchesTheDecoderForInterleavedChunkStreams() throws {
        // Two messages serialized at chunk size 100, then their chunks alternated on the wire.
        let chunkSize = 100
        let video = media(.video, [0x17, 0x01], length: 950, timestamp: 0x0100_0000)
        let audio = media(.audio, [0xAF, 0x01], length: 430, timestamp: 0x0100_0005)
        func chunks(_ message: RTMPMessage) -> [ByteBuffer] {
            let bytes = RTMPChunkSerializer.serialize(message, chunkSize: chunkSize)
            let extended = message.timestamp >= 0xFF_FFFF ? 4 : 0
            var pieces: [ByteBuffer] = []
            var offset = 0
            var left = message.payload.readableBytes
            var header = 1 + 11 + extended
            while offset < bytes.readableBytes {
                let length = header + min(chunkSize, left)
                pieces.append(bytes.getSlice(at: offset, length: length)!)
                offset += length
                left -= min(chunkSize, left)
                header = 1 + extended
            }
            return pieces
        }
        var bytes = ByteBuffer()
        bytes.writeImmutableBuffer(RTMPChunkSerializer.serialize(RTMPControlMessage.setChunkSize(100).message(), chunkSize: 128))
        let videoChunks = chunks(video)
        let audioChunks = chunks(audio)
        for index in 0..<max(videoChunks.count, audioChunks.count) {
            if index < videoChunks.count { bytes.writeImmutableBuffer(videoChunks[index]) }
            if index < audioChunks.count { bytes.writeImmutableBuffer(audioChunks[index]) }
        }
        try expectSameAsDecoder(bytes, minimumMessages: 3)
    }

    @Test func matchesTheDecoderForCompressedHeaders() throws {
        // fmt 0, then fmt 1 (delta, new length), fmt 2 (delta only), fmt 3 starting a new message
        // (repeats the delta), on chunk stream 6 at the default chunk size of 128.
        var bytes = ByteBuffer()
        func header(_ format: UInt8, _ fields: [UInt8]) { bytes.writeInteger(format << 6 | 6); bytes.writeBytes(fields) }
        func body(_ count: Int, _ first: UInt8) {
            bytes.writeInteger(first)
            bytes.writeRepeatingByte(0x01, count: count - 1)
        }
        header(0, [0, 0, 10, 0, 0, 200, 9, 1, 0, 0, 0])
        body(128, 0x17)
        header(3, [])
        body(72, 0)
        header(1, [0, 0, 40, 0, 0, 50, 9])
        body(50, 0x27)
        header(2, [0, 0, 33])
        body(50, 0x27)
        header(3, [])
        body(50, 0x17)
        // An extended delta on fmt 1, then a fmt 3 new message that repeats it.
        header(1, [0xFF, 0xFF, 0xFF, 0, 0, 20, 8, 0x01, 0x00, 0x00, 0x00])
        body(20, 0xAF)
        header(3, [0x01, 0x00, 0x00, 0x00])
        body(20, 0xAF)
        try expectSameAsDecoder(bytes, minimumMessages: 6)
    }

    @Test func abortDropsThePartialMessage() throws {
        var bytes = ByteBuffer()
        let video = RTMPChunkSerializer.serialize(media(.video, [0x17, 0x01], length: 300, timestamp: 5), chunkSize: 128)
        bytes.writeImmutableBuffer(video.getSlice(at: 0, length: 12 + 128)!)
        bytes.writeImmutableBuffer(RTMPChunkSerializer.serialize(RTMPControlMessage.abort(chunkStreamID: 6).message(), chunkSize: 128))
        bytes.writeImmutableBuffer(RTMPChunkSerializer.serialize(media(.video, [0x27, 0x01], length: 10, timestamp: 9), chunkSize: 128))
        let seen = try light(bytes, pieces: [bytes.readableBytes])
        #expect(seen == (try reference(bytes)))
        #expect(seen.map(\.typeID) == [RTMPMessageType.abort.rawValue, RTMPMessageType.video.rawValue])
    }

    @Test func rejectsMalformedInput() throws {
        var reader = LightChunkReader()
        var orphan = ByteBuffer(bytes: [0xC6])  // fmt 3 on a chunk stream never opened
        #expect(throws: LightChunkReaderError.missingPreviousHeader(chunkStreamID: 6)) {
            _ = try reader.next(from: &orphan)
        }
        var small = LightChunkReader(maximumBodySize: 100)
        var command = RTMPChunkSerializer.serialize(
            RTMPMessage(type: .amf0Command, streamID: 0, payload: payload([2], length: 101)), chunkSize: 128)
        #expect(throws: LightChunkReaderError.messageTooLarge(chunkStreamID: 3, length: 101)) {
            _ = try small.next(from: &command)
        }
        var zero = LightChunkReader()
        var setZero = RTMPChunkSerializer.serialize(
            RTMPMessage(type: .setChunkSize, streamID: 0, payload: ByteBuffer(integer: UInt32(0))), chunkSize: 128)
        #expect(throws: LightChunkReaderError.invalidChunkSize(chunkStreamID: 2)) {
            _ = try zero.next(from: &setZero)
        }
    }

    @Test func mediaBodiesAreNotKept() throws {
        // A 1 MiB video message in one piece yields one event and no body.
        var reader = LightChunkReader()
        var bytes = RTMPChunkSerializer.serialize(media(.video, [0x17, 0x01], length: 1 << 20, timestamp: 1), chunkSize: 128)
        let event = try #require(try reader.next(from: &bytes))
        guard case .media(let head, .video, let flags) = event else {
            Issue.record("expected a video event, got \(event)")
            return
        }
        #expect(head.length == 1 << 20)
        #expect(flags.contains(.keyframe))
        #expect(bytes.readableBytes == 0)
    }
}
