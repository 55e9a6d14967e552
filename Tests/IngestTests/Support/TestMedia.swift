import Media
import NIOCore
import RTMP

/// RTMP media messages as a publisher sends them (message stream 1), each carrying a unique id so
/// that what a player receives can be matched to what was published.
///
/// Video is legacy-header AVC: frame type/codec byte, AVC packet type, 24-bit composition time,
/// then the id; audio is AAC: sound format byte, AAC packet type, then the id (FLV spec §E.4.2, §E.4.3).
enum TestMedia {
    static let publishStreamID: UInt32 = 1
    /// FLV video tag first byte: frame type (high nibble) and codec id 7 (AVC).
    static let avcKeyframe: UInt8 = 0x17
    static let avcInterFrame: UInt8 = 0x27
    /// FLV audio tag first byte: AAC, 44 kHz, 16-bit, stereo.
    static let aac: UInt8 = 0xAF
    static let sequenceHeaderPacket: UInt8 = 0
    static let codedFramePacket: UInt8 = 1
    /// Where the id sits in a payload.
    static let videoIDOffset = 5
    static let audioIDOffset = 2

    static func videoHeader(timestamp: UInt32 = 0) -> RTMPMessage {
        var payload = ByteBuffer(bytes: [avcKeyframe, sequenceHeaderPacket, 0, 0, 0])
        // AVCDecoderConfigurationRecord: version 1, High profile, level 3.1, 4-byte lengths, one SPS, one PPS.
        payload.writeBytes([0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64, 0x00, 0x1F])
        payload.writeBytes([0x01, 0x00, 0x02, 0x68, 0xEE])
        return RTMPMessage(type: .video, streamID: publishStreamID, timestamp: timestamp, payload: payload)
    }

    static func audioHeader(timestamp: UInt32 = 0) -> RTMPMessage {
        // AudioSpecificConfig: AAC-LC, 44.1 kHz, stereo.
        let payload = ByteBuffer(bytes: [aac, sequenceHeaderPacket, 0x12, 0x10])
        return RTMPMessage(type: .audio, streamID: publishStreamID, timestamp: timestamp, payload: payload)
    }

    static func video(id: UInt32, timestamp: UInt32, keyframe: Bool, size: Int = 200) -> RTMPMessage {
        var payload = ByteBuffer(bytes: [keyframe ? avcKeyframe : avcInterFrame, codedFramePacket, 0, 0, 0])
        payload.writeInteger(id)
        payload.writeRepeatingByte(UInt8(truncatingIfNeeded: id), count: max(0, size - payload.readableBytes))
        return RTMPMessage(type: .video, streamID: publishStreamID, timestamp: timestamp, payload: payload)
    }

    static func audio(id: UInt32, timestamp: UInt32, size: Int = 40) -> RTMPMessage {
        var payload = ByteBuffer(bytes: [aac, codedFramePacket])
        payload.writeInteger(id)
        payload.writeRepeatingByte(UInt8(truncatingIfNeeded: id), count: max(0, size - payload.readableBytes))
        return RTMPMessage(type: .audio, streamID: publishStreamID, timestamp: timestamp, payload: payload)
    }

    /// `@setDataFrame("onMetaData", {…})`, as ffmpeg publishes metadata.
    static func metadata(timestamp: UInt32 = 0) -> RTMPMessage {
        RTMPDataMessage(
            handler: RTMPDataMessage.Handler.setDataFrame,
            values: [
                .string(RTMPDataMessage.Handler.onMetaData),
                .object([
                    AMF0Property("width", .number(64)), AMF0Property("height", .number(64)),
                    AMF0Property("framerate", .number(25)), AMF0Property("videocodecid", .number(7)),
                    AMF0Property("audiocodecid", .number(10)),
                ]),
            ]
        ).message(streamID: publishStreamID, timestamp: timestamp, chunkStreamID: RTMPChunkStreamID.data)
    }

    /// The id a test payload carries, or `nil` for headers and data.
    static func id(of message: RTMPMessage) -> UInt32? {
        let payload = message.payload
        guard payload.getInteger(at: payload.readerIndex + 1, as: UInt8.self) == codedFramePacket else { return nil }
        switch message.type {
        case .video: return payload.getInteger(at: payload.readerIndex + videoIDOffset, as: UInt32.self)
        case .audio: return payload.getInteger(at: payload.readerIndex + audioIDOffset, as: UInt32.self)
        default: return nil
        }
    }

    static func isKeyframe(_ message: RTMPMessage) -> Bool {
        message.type == .video && message.payload.getInteger(at: message.payload.readerIndex, as: UInt8.self) == avcKeyframe
            && !isSequenceHeader(message)
    }

    static func isSequenceHeader(_ message: RTMPMessage) -> Bool {
        (message.type == .video || message.type == .audio)
            && message.payload.getInteger(at: message.payload.readerIndex + 1, as: UInt8.self) == sequenceHeaderPacket
    }

    static func isMetadata(_ message: RTMPMessage) -> Bool {
        message.type == .amf0Data && (try? RTMPDataMessage(message))?.handler == RTMPDataMessage.Handler.onMetaData
    }
}

/// A publisher's media clock: video every 40 ms with a keyframe every `keyframeInterval` frames,
/// and two audio frames per video frame, in timestamp order, ids counting up from 1.
struct MediaGenerator {
    static let videoFrameDuration: UInt32 = 40
    static let audioFrameDuration: UInt32 = 20

    var keyframeInterval = 10
    var videoSize = 200
    private(set) var nextID: UInt32 = 1
    private(set) var time: UInt32 = 0
    private(set) var frameIndex = 0

    init(keyframeInterval: Int = 10, videoSize: Int = 200, startTime: UInt32 = 0) {
        self.keyframeInterval = keyframeInterval
        self.videoSize = videoSize
        self.time = startTime
    }

    /// Metadata and both sequence headers at the current time.
    func headers() -> [RTMPMessage] {
        [TestMedia.metadata(timestamp: time), TestMedia.videoHeader(timestamp: time), TestMedia.audioHeader(timestamp: time)]
    }

    /// Whether the next video frame is a keyframe.
    var nextIsKeyframe: Bool { frameIndex % keyframeInterval == 0 }

    /// One video frame and the audio that goes with it; one publisher read.
    mutating func tick() -> [RTMPMessage] {
        let keyframe = nextIsKeyframe
        let video = TestMedia.video(id: takeID(), timestamp: time, keyframe: keyframe, size: videoSize)
        let audio1 = TestMedia.audio(id: takeID(), timestamp: time)
        let audio2 = TestMedia.audio(id: takeID(), timestamp: time &+ Self.audioFrameDuration)
        frameIndex += 1
        time &+= Self.videoFrameDuration  // RTMP timestamps wrap at 2^32
        return [video, audio1, audio2]
    }

    /// `milliseconds` of ticks, one read each.
    mutating func ticks(milliseconds: Int) -> [[RTMPMessage]] {
        (0..<(milliseconds / Int(Self.videoFrameDuration))).map { _ in tick() }
    }

    private mutating func takeID() -> UInt32 {
        defer { nextID += 1 }
        return nextID
    }
}

extension FakeRTMPClient {
    /// Sends each batch as its own read.
    func send(batches: [[RTMPMessage]]) throws {
        for batch in batches { try send(batch) }
    }
}
