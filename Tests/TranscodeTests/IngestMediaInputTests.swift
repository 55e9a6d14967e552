import CLibAV
import Dispatch
import NIOCore
import NIOPosix
import Testing

@testable import Transcode

@Suite struct IngestMediaInputTests {
    @Test func opensTheSampleAndPicksItsStreams() throws {
        let input = try MediaInput(url: IngestSamples.sampleFLV, isNetwork: false, interrupt: MediaInterrupt())
        let video = try #require(input.video)
        let audio = try #require(input.audio)
        #expect(video.parameters.pointee.codec_id == AV_CODEC_ID_H264)
        #expect(video.parameters.pointee.width == 640)
        #expect(audio.parameters.pointee.codec_id == AV_CODEC_ID_AAC)
        #expect(video.timeBase.num == 1 && video.timeBase.den == 1000)

        var allocated = av_packet_alloc()
        defer { av_packet_free(&allocated) }
        let packet = try #require(allocated)
        var counts: [Int: Int] = [:]
        var lastDTS: Int64 = 0
        while try input.read(into: packet) {
            counts[Int(packet.pointee.stream_index), default: 0] += 1
            lastDTS = max(lastDTS, packet.pointee.dts)
            av_packet_unref(packet)
        }
        #expect(counts[video.index] == 250)
        #expect((counts[audio.index] ?? 0) > 400)
        #expect(lastDTS > 9_500)

        // Looping goes back to the start.
        try input.rewind()
        #expect(try input.read(into: packet))
        #expect(packet.pointee.dts < 100)
        av_packet_unref(packet)
    }

    @Test func aMissingFileFailsWithLibAVsMessage() {
        let error = #expect(throws: LibAVError.self) {
            try MediaInput(url: "/nonexistent/headwater.flv", isNetwork: false, interrupt: MediaInterrupt())
        }
        #expect(error?.message == "No such file or directory")
        #expect(error?.operation.hasPrefix("avformat_open_input") == true)
    }

    @Test func stopInterruptsABlockedOpen() async throws {
        try await withSilentServer { port in
            let interrupt = MediaInterrupt()
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(200)) { interrupt.stop() }
            let started = ContinuousClock.now
            let error = #expect(throws: LibAVError.self) {
                try MediaInput(
                    url: "http://127.0.0.1:\(port)/live.flv", isNetwork: true, interrupt: interrupt,
                    timeout: .seconds(30))
            }
            #expect(error?.code == LibAVError.exit)
            // Far sooner than the 30 s timeout, with room for a busy test host.
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func aSilentPeerTimesOut() async throws {
        try await withSilentServer { port in
            let started = ContinuousClock.now
            #expect(throws: LibAVError.self) {
                try MediaInput(
                    url: "http://127.0.0.1:\(port)/live.flv", isNetwork: true, interrupt: MediaInterrupt(),
                    timeout: .milliseconds(300))
            }
            #expect(ContinuousClock.now - started < .seconds(8))
        }
    }
}
