import Config
import Live
import Media
import NIOCore
import Testing

@testable import Transcode

@Suite struct TranscodePipelineTests {
    static let location = Config.SourceLocation(file: "t.conf", line: 1)

    static func engine(_ configure: (inout TranscodeEngineConfiguration) -> Void) -> TranscodeEngineConfiguration {
        var engine = TranscodeEngineConfiguration(name: "ld", location: location)
        engine.enabled = true
        configure(&engine)
        return engine
    }

    static func run(_ engine: TranscodeEngineConfiguration, _ input: [MediaPacket]) throws -> [MediaPacket] {
        let pipeline = try TranscodePipeline(engine: engine)
        var out: [MediaPacket] = []
        for packet in input { out += try pipeline.process(packet) }
        return out + (try pipeline.drain())
    }

    static func frames(_ packets: [MediaPacket], _ kind: MediaKind) -> [MediaPacket] {
        packets.filter { $0.kind == kind && !$0.isSequenceHeader }
    }

    /// The shared source: 2 s of 320×240 H.264 with B-frames (GOP 15) and AAC.
    static let source: [MediaPacket] = try! SourceMedia().packets()

    @Test func sourceHasCompositionTimes() throws {
        let video = Self.frames(Self.source, .video)
        #expect(video.count == 60)
        #expect(video.contains { $0.presentationTime != $0.timestamp })
        #expect(video.filter(\.isKeyframe).count == 4)
    }

    @Test func encodedRenditionKeepsTheSourceTimeline() throws {
        let engine = Self.engine {
            $0.videoCodec = .encode("libx264")
            $0.videoWidth = 160
            $0.videoHeight = 120
            $0.videoBitrate = 200
            $0.videoPreset = "ultrafast"
            $0.audioCodec = .encode("aac")
            $0.audioBitrate = 48
        }
        let out = try Self.run(engine, Self.source)

        let videoHeader = try #require(out.first { $0.kind == .video })
        #expect(videoHeader.isSequenceHeader)
        let info = try #require(LiveVideoInfo.parse(sequenceHeader: videoHeader.payload))
        #expect(info.width == 160 && info.height == 120)
        #expect(out.first { $0.kind == .audio }?.isSequenceHeader == true)

        let source = Self.frames(Self.source, .video)
        let video = Self.frames(out, .video)
        #expect(video.count == source.count)
        // Key frames exactly at the source's, and no others.
        #expect(video.filter(\.isKeyframe).map(\.presentationTime) == source.filter(\.isKeyframe).map(\.presentationTime).sorted())
        let sourceTimes = Set(source.map(\.presentationTime))
        #expect(video.allSatisfy { sourceTimes.contains($0.presentationTime) })
        // No B-frames by default: DTS = PTS.
        #expect(video.allSatisfy { $0.presentationTime == $0.timestamp })

        let sourceAudio = Self.frames(Self.source, .audio)
        let audio = Self.frames(out, .audio)
        #expect(abs(audio.count - sourceAudio.count) <= 1)
        for (output, input) in zip(audio, sourceAudio) {
            #expect(abs(output.timestamp - input.timestamp) <= 30)
        }
        // Interleaved by time, as a publisher would send it.
        let media = out.filter { !$0.isSequenceHeader }
        #expect(zip(media, media.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
    }

    @Test func userBFramesKeepTimestampsValid() throws {
        let engine = Self.engine {
            $0.videoCodec = .encode("libx264")
            $0.videoPreset = "ultrafast"
            $0.videoParameters = [.init(name: "x264-params", value: "bframes=2", location: Self.location), .init(name: "bf", value: "2", location: Self.location)]
            $0.audioCodec = .drop
        }
        let pipeline = try TranscodePipeline(engine: engine)
        var out: [MediaPacket] = []
        for packet in Self.source { out += try pipeline.process(packet) }
        out += try pipeline.drain()
        #expect(pipeline.usesBFrames)
        let video = Self.frames(out, .video)
        #expect(video.count == 60)
        #expect(video.allSatisfy { $0.timestamp >= 0 && $0.presentationTime >= $0.timestamp })
        #expect(zip(video, video.dropFirst()).allSatisfy { $0.timestamp <= $1.timestamp })
        #expect(video.contains { $0.presentationTime > $0.timestamp })
        let source = Self.frames(Self.source, .video)
        #expect(video.filter(\.isKeyframe).map(\.presentationTime) == source.filter(\.isKeyframe).map(\.presentationTime).sorted())
        #expect(Set(video.map(\.presentationTime)) == Set(source.map(\.presentationTime)))
    }

    @Test func audioIsResampledAndRemixed() throws {
        let engine = Self.engine {
            $0.videoCodec = .copy
            $0.audioCodec = .encode("aac")
            $0.audioSampleRate = 22_050
            $0.audioChannels = 1
            $0.audioBitrate = 32
        }
        let out = try Self.run(engine, Self.source)
        let header = try #require(out.first { $0.kind == .audio && $0.isSequenceHeader })
        let info = try #require(LiveAudioInfo.parse(header.payload))
        #expect(info.sampleRate == 22_050 && info.channels == 1)
        let audio = Self.frames(out, .audio)
        let sourceAudio = Self.frames(Self.source, .audio)
        // 1024 samples at 22.05 kHz last twice as long: half as many packets, on the same clock.
        #expect(abs(audio.count - sourceAudio.count / 2) <= 1)
        let first = try #require(audio.first?.timestamp)
        let sourceFirst = try #require(sourceAudio.first { $0.timestamp >= first - 30 }?.timestamp)
        #expect(abs(first - sourceFirst) <= 30)
        if let last = audio.last?.timestamp, let sourceLast = sourceAudio.last?.timestamp {
            #expect(abs(last - sourceLast) <= 50)
        }
    }

    @Test func hdSourceGivesA640x360Rendition() throws {
        let source = try SourceMedia(width: 1280, height: 720, frames: 10, gop: 5).packets()
        let engine = Self.engine {
            $0.videoCodec = .encode("libx264")
            $0.videoWidth = 640
            $0.videoHeight = 360
            $0.videoBitrate = 500
            $0.videoPreset = "ultrafast"
            $0.videoProfile = "baseline"
            $0.audioCodec = .encode("aac")
        }
        let out = try Self.run(engine, source)
        let header = try #require(out.first { $0.kind == .video && $0.isSequenceHeader })
        let info = try #require(LiveVideoInfo.parse(sequenceHeader: header.payload))
        #expect(info.codec == "H264" && info.profile?.hasSuffix("Baseline") == true, "\(info)")
        #expect(info.width == 640 && info.height == 360)
        #expect(Self.frames(out, .video).filter(\.isKeyframe).count == 2)
    }

    @Test func sourceSizeChangeKeepsTheRendition() throws {
        // The publisher restarts its encoder at another size: new sequence headers mid-stream.
        let second = try SourceMedia(width: 160, height: 96, frames: 30).packets().map { packet -> MediaPacket in
            var packet = packet
            packet.timestamp += 3_000
            return packet
        }
        let engine = Self.engine {
            $0.videoCodec = .encode("libx264")
            $0.videoWidth = 200
            $0.videoHeight = 150
            $0.videoPreset = "ultrafast"
            $0.audioCodec = .encode("aac")
        }
        let input = Self.source + second
        let out = try Self.run(engine, input)
        let headers = out.filter { $0.kind == .video && $0.isSequenceHeader }
        #expect(headers.count == 1)
        let info = try #require(headers.first.flatMap { LiveVideoInfo.parse(sequenceHeader: $0.payload) })
        #expect(info.width == 200 && info.height == 150)
        let video = Self.frames(out, .video)
        #expect(video.count == 90)
        #expect(video.filter(\.isKeyframe).map(\.presentationTime) == Self.frames(input, .video).filter(\.isKeyframe).map(\.presentationTime))
        let audio = Self.frames(out, .audio)
        #expect(audio.contains { $0.timestamp >= 3_000 })
    }

    @Test func missingHeightFollowsTheSourceAspect() throws {
        let engine = Self.engine {
            $0.videoCodec = .encode("libx264")
            $0.videoWidth = 100
            $0.videoPreset = "ultrafast"
            $0.audioCodec = .drop
        }
        let out = try Self.run(engine, Self.source)
        let header = try #require(out.first { $0.kind == .video && $0.isSequenceHeader })
        let info = try #require(LiveVideoInfo.parse(sequenceHeader: header.payload))
        #expect(info.width == 100 && info.height == 76)
        #expect(out.allSatisfy { $0.kind == .video })
        let size = VideoTranscoder.outputSize(width: nil, height: 360, sourceWidth: 1280, sourceHeight: 720)
        #expect(size.width == 640 && size.height == 360)
    }

    @Test func frameRateDropsFramesButKeepsKeyframes() throws {
        let engine = Self.engine {
            $0.videoCodec = .encode("libx264")
            $0.videoPreset = "ultrafast"
            $0.videoFPS = 15
            $0.audioCodec = .drop
        }
        let out = try Self.run(engine, Self.source)
        let video = Self.frames(out, .video)
        #expect((30...33).contains(video.count))
        // On a 15 fps grid, but for the key frames, which are always kept.
        #expect(zip(video, video.dropFirst()).allSatisfy { $1.isKeyframe || $1.timestamp - $0.timestamp >= 60 })
        let source = Self.frames(Self.source, .video)
        #expect(video.filter(\.isKeyframe).count == source.filter(\.isKeyframe).count)
    }

    @Test func videoCopyWithoutAudioPassesVideoUnchanged() throws {
        let engine = Self.engine {
            $0.videoCodec = .copy
            $0.audioCodec = .drop
        }
        let out = try Self.run(engine, Self.source)
        let source = Self.source.filter { $0.kind == .video }
        #expect(out.count == source.count)
        for (output, input) in zip(out, source) {
            #expect(output.kind == .video)
            #expect(output.timestamp == input.timestamp && output.payload == input.payload)
        }
    }

    @Test func audioCopyWithoutVideoPassesAudioUnchanged() throws {
        let engine = Self.engine {
            $0.videoCodec = .drop
            $0.audioCodec = .copy
        }
        let out = try Self.run(engine, Self.source)
        let source = Self.source.filter { $0.kind == .audio }
        #expect(out.map(\.timestamp) == source.map(\.timestamp))
        #expect(out.allSatisfy { $0.kind == .audio })
    }

    @Test func metadataIsDropped() throws {
        let engine = Self.engine { $0.videoCodec = .copy }
        var metadata = ByteBufferAllocator().buffer(capacity: 4)
        metadata.writeString("meta")
        let pipeline = try TranscodePipeline(engine: engine)
        #expect(try pipeline.process(MediaPacket(kind: .data, timestamp: 0, flags: .metadata, payload: metadata)).isEmpty)
    }

    @Test func copyStartsAtAKeyframe() throws {
        let engine = Self.engine { $0.videoCodec = .copy }
        let source = Self.source
        // Join in the middle of a GOP: everything before the next key frame (but the headers) is skipped.
        let headers = source.filter(\.isSequenceHeader)
        let firstKey = try #require(source.firstIndex { $0.isKeyframe && !$0.isSequenceHeader })
        let middle = Array(source[(firstKey + 5)...])
        let out = try Self.run(engine, headers + middle)
        let firstFrame = try #require(out.first { !$0.isSequenceHeader && $0.kind == .video })
        #expect(firstFrame.isKeyframe)
        let firstMedia = try #require(out.first { !$0.isSequenceHeader })
        #expect(firstMedia.kind == .video)
    }

    @Test func unknownEncoderFails() {
        let engine = Self.engine { $0.videoCodec = .encode("libx999") }
        #expect(throws: LibAVError.self) { _ = try Self.run(engine, Self.source) }
    }

    @Test func optionNames() {
        #expect(TranscodeOptions.optionName("b:v") == "b")
        #expect(TranscodeOptions.optionName("bsf:v") == nil)
        #expect(TranscodeOptions.optionName("bf") == "bf")
    }
}
