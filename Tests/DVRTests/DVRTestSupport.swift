import Foundation
import Media
import NIOCore
import Testing

@testable import DVR

/// Hand-built H.264/AAC payloads: real parameter sets (320x240 baseline, AAC-LC 48 kHz stereo), dummy pictures.
enum Payloads {
    static let sps: [UInt8] = [
        0x67, 0x42, 0xC0, 0x0D, 0xD9, 0x01, 0x41, 0xFB, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03,
        0x03, 0x20, 0xF1, 0x42, 0xA4, 0x80,
    ]
    static let pps: [UInt8] = [0x68, 0xCB, 0x83, 0xCB, 0x20]
    /// AAC-LC, 48 kHz (index 3), 2 channels.
    static let audioSpecificConfig: [UInt8] = [0x11, 0x90]

    static func videoHeader(_ timestamp: Int64 = 0) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeVideoTagHeader(
            VideoTagHeader(codec: .legacy(.avc), frameType: .keyframe, packetType: .sequenceStart))
        payload.writeAVCDecoderConfigurationRecord(
            AVCDecoderConfigurationRecord(
                profileIndication: 0x42, profileCompatibility: 0xC0, levelIndication: 0x0D, lengthSizeMinusOne: 3,
                sequenceParameterSets: [ByteBuffer(bytes: sps)], pictureParameterSets: [ByteBuffer(bytes: pps)]))
        return packet(.video, timestamp, payload)
    }

    static func video(_ timestamp: Int64, key: Bool = false, size: Int = 200) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeVideoTagHeader(
            VideoTagHeader(codec: .legacy(.avc), frameType: key ? .keyframe : .interframe, packetType: .codedFrames))
        payload.writeInteger(UInt32(size))
        payload.writeInteger(UInt8(key ? 0x65 : 0x41))
        payload.writeRepeatingByte(UInt8(truncatingIfNeeded: timestamp), count: size - 1)
        return packet(.video, timestamp, payload)
    }

    static func audioHeader(_ timestamp: Int64 = 0) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeAudioTagHeader(
            AudioTagHeader(codec: .legacy(.aac), packetType: .sequenceStart, soundFlags: AudioTagHeader.aacSoundFlags))
        payload.writeBytes(audioSpecificConfig)
        return packet(.audio, timestamp, payload)
    }

    static func audio(_ timestamp: Int64, size: Int = 40) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeAudioTagHeader(
            AudioTagHeader(codec: .legacy(.aac), packetType: .codedFrames, soundFlags: AudioTagHeader.aacSoundFlags))
        payload.writeRepeatingByte(UInt8(truncatingIfNeeded: timestamp), count: size)
        return packet(.audio, timestamp, payload)
    }

    static func metadata(_ properties: [AMF0Property]) -> MediaPacket {
        var payload = ByteBuffer()
        payload.writeAMF0Value(.string("onMetaData"))
        payload.writeAMF0Value(.ecmaArray(properties))
        return MediaPacket(kind: .data, timestamp: 0, flags: [.metadata], payload: payload)
    }

    private static func packet(_ kind: MediaKind, _ timestamp: Int64, _ payload: ByteBuffer) -> MediaPacket {
        MediaPacket(kind: kind, timestamp: timestamp, flags: .classify(kind: kind, payload: payload), payload: payload)
    }

    /// `seconds` of 25 fps video with a keyframe every `gop` frames and 48 kHz AAC (frames of 1024
    /// samples, about 21.3 ms), interleaved by timestamp, after the sequence headers.
    static func stream(seconds: Int, gop: Int = 50, start: Int64 = 0) -> [MediaPacket] {
        var media: [MediaPacket] = []
        for frame in 0..<(seconds * 25) {
            media.append(video(start + Int64(frame * 40), key: frame % gop == 0))
        }
        for frame in 0..<(seconds * 48_000 / 1_024) {
            media.append(audio(start + Int64(frame * 1_024 * 1_000 / 48_000)))
        }
        // Stable: at equal timestamps video (appended first) stays first.
        let sorted = media.enumerated().sorted { ($0.element.timestamp, $0.offset) < ($1.element.timestamp, $1.offset) }
        return [videoHeader(start), audioHeader(start)] + sorted.map(\.element)
    }
}

/// One tag of a parsed FLV file, with the offset of its header.
struct ParsedTag {
    var offset: Int
    var tag: FLVTag
    var packet: MediaPacket { MediaPacket(tag) }
}

/// An FLV file read back for checks.
struct ParsedFLV {
    var header: FLVHeader
    var tags: [ParsedTag]
    var bytes: ByteBuffer

    init(_ bytes: ByteBuffer) throws {
        self.bytes = bytes
        var cursor = bytes
        header = try #require(try cursor.readFLVHeader())
        tags = []
        while cursor.readableBytes > 0 {
            let offset = cursor.readerIndex
            guard let tag = try cursor.readFLVTag() else { break }
            tags.append(ParsedTag(offset: offset, tag: tag))
        }
    }

    init(path: String) throws {
        try self.init(ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The `onMetaData` ECMA array of the first tag.
    var metadata: AMF0Value? {
        guard let first = tags.first, first.tag.kind == .data else { return nil }
        var body = first.tag.data
        guard let values = try? body.readAMF0Values(), values.first == .string("onMetaData") else { return nil }
        return values.last
    }

    var mediaTags: [ParsedTag] {
        tags.filter { $0.tag.kind != .data && !$0.packet.isSequenceHeader }
    }
}

/// A fresh folder under the system temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("dvr-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Every file below the folder, relative to it, sorted.
    func files() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var result: [String] = []
        while let name = enumerator?.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isFolder), !isFolder.boolValue {
                result.append(name)
            }
        }
        return result.sorted()
    }
}

/// A wall clock that moves one second per reading, so every file gets its own `[timestamp]`.
final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double = 1_700_000_000

    var now: @Sendable () -> Date {
        { [self] in
            lock.lock()
            defer { lock.unlock() }
            seconds += 1
            return Date(timeIntervalSince1970: seconds)
        }
    }
}

/// Collects `on_dvr` events.
final class CollectingObserver: DVRObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [DVRRecording] = []

    func dvrDidFinishRecording(_ recording: DVRRecording) {
        lock.lock()
        collected.append(recording)
        lock.unlock()
    }

    var recordings: [DVRRecording] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }
}

/// The decoded tags of `samples/sample.flv`, or `nil` when the file is absent.
func loadSampleTags() throws -> [FLVTag]? {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../samples/sample.flv")
    guard let data = try? Data(contentsOf: url) else { return nil }
    let processor = NIOSingleStepByteToMessageProcessor(FLVTagDecoder(), maximumBufferSize: 1 << 20)
    var tags: [FLVTag] = []
    try processor.process(buffer: ByteBuffer(bytes: data)) { tags.append($0) }
    try processor.finishProcessing(seenEOF: true) { tags.append($0) }
    return tags
}

/// The packets of `samples/sample.flv` as a publisher sends them (`onMetaData` flagged).
func samplePackets() throws -> [MediaPacket]? {
    try loadSampleTags()?.map { tag in
        var packet = MediaPacket(tag)
        if tag.kind == .data { packet.flags.insert(.metadata) }
        return packet
    }
}
