import HLS
import Testing

@Suite struct HLSSegmenterTests {
    typealias Frame = HLSSegmenter.Frame

    /// 25 fps video with a keyframe every `gop` ms, plus audio every 23 ms, in arrival order.
    static func frames(until end: Int64, gop: Int64 = 2_000, start: Int64 = 0) -> [Frame] {
        var frames: [Frame] = []
        var audio = start
        for video in stride(from: start, to: end, by: 40) {
            while audio <= video {
                frames.append(Frame(track: .audio, dts: audio))
                audio += 23
            }
            frames.append(Frame(track: .video, dts: video, isKeyframe: (video - start) % gop == 0))
        }
        return frames
    }

    @Test func cutsOnTheFirstKeyframeAfterTheFragment() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 5_000), hasVideo: true)
        var cuts: [Int64] = []
        var opened = 0
        for frame in Self.frames(until: 30_000, gop: 2_000) {
            switch segmenter.place(frame) {
            case .open: opened += 1
            case .cut(let duration, let discontinuity):
                #expect(!discontinuity)
                #expect(frame.isKeyframe && frame.track == .video)
                cuts.append(duration)
            default: break
            }
        }
        #expect(opened == 1)
        // Keyframes every 2 s: the first at or after 5 s is at 6 s.
        #expect(cuts == [6_000, 6_000, 6_000, 6_000])
        #expect(segmenter.close() == 6_000)
    }

    @Test func audioBeforeTheFirstKeyframeIsSkipped() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 2_000), hasVideo: true)
        #expect(segmenter.place(Frame(track: .audio, dts: 0)) == .skip)
        #expect(segmenter.place(Frame(track: .video, dts: 0)) == .skip)
        #expect(segmenter.place(Frame(track: .video, dts: 40, isKeyframe: true)) == .open(discontinuity: false))
        #expect(segmenter.place(Frame(track: .audio, dts: 46)) == .append)
    }

    @Test func audioOnlyUsesTheOverflowRatio() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 1_000, aofRatio: 2.0), hasVideo: false)
        var cuts: [Int64] = []
        for dts in stride(from: Int64(0), to: 10_000, by: 23) {
            if case .cut(let duration, _) = segmenter.place(Frame(track: .audio, dts: dts)) { cuts.append(duration) }
        }
        #expect(cuts.count == 4)
        #expect(cuts.allSatisfy { $0 >= 2_000 && $0 < 2_023 })
    }

    @Test func withoutWaitKeyframeAnyVideoFrameCuts() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 1_000, waitKeyframe: false), hasVideo: true)
        var cuts: [Int64] = []
        for frame in Self.frames(until: 5_000, gop: 10_000) {
            if case .cut(let duration, _) = segmenter.place(frame) { cuts.append(duration) }
        }
        #expect(cuts == [1_000, 1_000, 1_000, 1_000])
    }

    @Test func backwardJumpClosesTheSegmentAndMarksADiscontinuity() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 10_000), hasVideo: true)
        for frame in Self.frames(until: 3_000) { _ = segmenter.place(frame) }
        // The encoder restarts its clock at 0, mid-GOP: close now (about 3 s), skip to the next keyframe.
        #expect(segmenter.place(Frame(track: .video, dts: 0)) == .closeAndSkip(duration: 2_960 + 40))
        #expect(segmenter.place(Frame(track: .audio, dts: 10)) == .skip)
        #expect(segmenter.place(Frame(track: .video, dts: 40, isKeyframe: true)) == .open(discontinuity: true))
        #expect(segmenter.place(Frame(track: .video, dts: 80)) == .append)
    }

    @Test func forwardJumpOnAKeyframeCutsThereWithADiscontinuity() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 10_000), hasVideo: true)
        for frame in Self.frames(until: 4_000) { _ = segmenter.place(frame) }
        let action = segmenter.place(Frame(track: .video, dts: 3_600_000, isKeyframe: true))
        #expect(action == .cut(duration: 4_000, discontinuity: true))
        #expect(segmenter.place(Frame(track: .video, dts: 3_600_040)) == .append)
    }

    @Test func markedDiscontinuityCutsAtTheNextKeyframeWhateverTheLength() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 10_000), hasVideo: true)
        for frame in Self.frames(until: 1_000) { _ = segmenter.place(frame) }
        segmenter.markDiscontinuity()
        #expect(segmenter.place(Frame(track: .video, dts: 1_000)) == .append)
        #expect(segmenter.place(Frame(track: .video, dts: 1_040, isKeyframe: true)) == .cut(duration: 1_040, discontinuity: true))
    }

    @Test func aStreamWithoutKeyframesIsStillCutAtTheHardLimit() {
        var settings = HLSSegmenter.Settings(fragment: 2_000)
        settings.hardLimit = 8_000
        var segmenter = HLSSegmenter(settings: settings, hasVideo: true)
        var cuts: [Int64] = []
        _ = segmenter.place(Frame(track: .video, dts: 0, isKeyframe: true))
        for dts in stride(from: Int64(40), to: 20_000, by: 40) {
            if case .cut(let duration, _) = segmenter.place(Frame(track: .video, dts: dts)) { cuts.append(duration) }
        }
        #expect(cuts == [8_000, 8_000])
    }
}
