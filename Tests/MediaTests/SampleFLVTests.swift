import NIOCore
import Testing

@testable import Media

/// Decodes `samples/sample.flv` (made by `samples/make-sample.sh`) end to end.
@Suite("samples/sample.flv")
struct SampleFLVTests {
    static func decodeSample() throws -> [FLVTag] {
        let file = try Fixture.loadSample("samples/sample.flv")
        let processor = NIOSingleStepByteToMessageProcessor(FLVTagDecoder(), maximumBufferSize: 1 << 20)
        var tags: [FLVTag] = []
        var offset = 0
        let chunkSize = 64 << 10
        while offset < file.readableBytes {
            let length = min(chunkSize, file.readableBytes - offset)
            try processor.process(buffer: file.getSlice(at: offset, length: length)!) { tags.append($0) }
            offset += length
        }
        try processor.finishProcessing(seenEOF: true) { tags.append($0) }
        return tags
    }

    @Test func tagsAndCodecConfiguration() throws {
        let tags = try Self.decodeSample()
        #expect(tags.count == 686)
        #expect(tags.filter { $0.kind == .video }.count == 252)
        #expect(tags.filter { $0.kind == .audio }.count == 433)

        var script = try #require(tags.first { $0.kind == .data }).data
        let metadata = try script.readAMF0Values()
        #expect(metadata.first == .string("onMetaData"))
        #expect(metadata.last?["width"] == .number(640) && metadata.last?["height"] == .number(360))

        var video = try #require(tags.first { $0.kind == .video }).data
        let videoHeader = try #require(try video.readVideoTagHeader())
        #expect(videoHeader.codec == .legacy(.avc) && videoHeader.isSequenceHeader)
        let record = try #require(try video.readAVCDecoderConfigurationRecord())
        #expect(record.profileIndication == 100)
        let sps = try #require(try record.firstSequenceParameterSet())
        #expect(sps.width == 640 && sps.height == 360)

        var audio = try #require(tags.first { $0.kind == .audio }).data
        let audioHeader = try #require(try audio.readAudioTagHeader())
        #expect(audioHeader.codec == .legacy(.aac) && audioHeader.isSequenceHeader)
        let config = try AudioSpecificConfig(parsing: audio)
        #expect(config.objectType == .aacLC)
        #expect(config.samplingFrequency == 44100)
        #expect(config.channelCount == 2)
    }

    @Test func packetsClassifyAsExpected() throws {
        let packets = try Self.decodeSample().map(MediaPacket.init)
        // 10 s with a keyframe every 2 s.
        #expect(packets.filter(\.isKeyframe).count == 5)
        #expect(packets.filter(\.isSequenceHeader).map(\.kind) == [.video, .audio])
        let videoTimestamps = packets.filter { $0.kind == .video }.map(\.timestamp)
        #expect(zip(videoTimestamps, videoTimestamps.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(videoTimestamps.last.map { $0 >= 9_900 } == true)
        // Every coded video frame has a parseable header and NAL units sized by the record.
        for packet in packets where packet.kind == .video && !packet.isSequenceHeader {
            var payload = packet.payload
            let header = try #require(try payload.readVideoTagHeader())
            if header.packetType == .codedFrames {
                let length = payload.readInteger(as: UInt32.self)
                #expect(length.map { Int($0) <= payload.readableBytes } == true)
            }
        }
    }

    @Test func reencodingReproducesTheFile() throws {
        let original = try Fixture.loadSample("samples/sample.flv")
        var output = ByteBuffer()
        output.writeFLVHeader(FLVHeader(hasAudio: true, hasVideo: true))
        for tag in try Self.decodeSample() { output.writeFLVTag(tag) }
        #expect(output == original)
    }
}
