import Media
import NIOCore
import Testing

@testable import Bench

@Suite struct FLVPacerTests {
    /// A 1 s file at 25 fps: metadata, both sequence headers, then a keyframe every 10 frames and audio every 23 ms.
    static func file() -> [FLVTag] {
        var tags = [
            FLVTag(kind: .data, timestamp: 0, data: ByteBuffer(bytes: [0x02, 0x00, 0x00])),
            FLVTag(kind: .video, timestamp: 0, data: ByteBuffer(bytes: [0x17, 0x00, 0, 0, 0])),
            FLVTag(kind: .audio, timestamp: 0, data: ByteBuffer(bytes: [0xAF, 0x00, 0x12, 0x10])),
        ]
        var audio: UInt32 = 0
        for frame in 0..<25 {
            let timestamp = UInt32(frame * 40)
            while audio <= timestamp {
                tags.append(FLVTag(kind: .audio, timestamp: audio, data: ByteBuffer(bytes: [0xAF, 0x01, 0x21])))
                audio += 23
            }
            let first: UInt8 = frame % 10 == 0 ? 0x17 : 0x27
            tags.append(FLVTag(kind: .video, timestamp: timestamp, data: ByteBuffer(bytes: [first, 0x01, 0, 0, 0, 9])))
        }
        return tags
    }

    @Test func timestampsAreContinuousAcrossLoopsAndHeadersAreNotRepeated() throws {
        var pacer = try #require(FLVPacer(tags: Self.file()))
        #expect(pacer.loopLength == 1000)
        var sent: [FLVTag] = []
        var now: Int64 = 0
        while now <= 3500 {
            sent += pacer.due(atMilliseconds: now)
            now += 10
        }
        #expect(pacer.loop == 3)
        let video = sent.filter { $0.kind == .video }
        let frames = video.filter { !MediaPacket.Flags.classify(kind: .video, payload: $0.data).contains(.sequenceHeader) }
        // One video sequence header, then frames 40 ms apart with no gap or overlap at the loop seams.
        #expect(video.count - frames.count == 1)
        #expect(frames.map(\.timestamp) == (0...87).map { UInt32($0 * 40) })
        #expect(sent.filter { $0.kind == .data }.count == 1)
        let audioHeaders = sent.filter {
            $0.kind == .audio && MediaPacket.Flags.classify(kind: .audio, payload: $0.data).contains(.sequenceHeader)
        }
        #expect(audioHeaders.count == 1)
        let audio = sent.filter { $0.kind == .audio }.map(\.timestamp)
        #expect(audio == audio.sorted())
        #expect(sent.allSatisfy { $0.timestamp <= 3500 })
    }

    @Test func nothingIsDueBeforeItsTimeAndACallIsBounded() throws {
        var pacer = try #require(FLVPacer(tags: Self.file()))
        let first = pacer.due(atMilliseconds: 0)
        #expect(first.allSatisfy { $0.timestamp == 0 })
        #expect(pacer.due(atMilliseconds: 22).isEmpty)
        #expect(pacer.due(atMilliseconds: 100_000, limit: 7).count == 7)
    }

    @Test func aFileWithoutMediaIsRefused() {
        #expect(FLVPacer(tags: [FLVTag(kind: .data, timestamp: 0, data: ByteBuffer())]) == nil)
        #expect(FLVPacer(tags: []) == nil)
    }
}
