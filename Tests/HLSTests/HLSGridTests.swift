import HLS
import Testing

/// Ladder members cut on the absolute PTS grid, so renditions that start apart still cut together.
@Suite struct HLSGridTests {
    typealias Frame = HLSSegmenter.Frame

    /// Keyframe presentation times, irregular as a scene-cut encoder makes them (milliseconds).
    static let keyframes: [Int64] = [80, 1_280, 2_480, 4_080, 4_880, 6_480, 8_080, 9_680, 10_080, 12_480, 14_080, 16_080]

    /// 25 fps video through `end` with keyframes at `keyframes` PTS, and audio every 23 ms, in arrival order.
    /// With `bFrames`, decode times run 80 ms ahead of presentation and other frames get shuffled offsets.
    static func frames(from start: Int64, to end: Int64, bFrames: Bool) -> [Frame] {
        let delay: Int64 = bFrames ? 80 : 0
        var frames: [Frame] = []
        var audio = start
        for pts in stride(from: start, to: end, by: 40) {
            let dts = pts - delay
            while audio <= dts {
                frames.append(Frame(track: .audio, dts: audio))
                audio += 23
            }
            let key = keyframes.contains(pts)
            // A B-frame pattern: presentation order differs from decode order off the keyframes.
            let offset: Int64 = key || !bFrames ? delay : [delay, 120, 0, 40][Int(pts / 40 % 4)]
            frames.append(Frame(track: .video, dts: dts, isKeyframe: key, pts: dts + offset))
        }
        return frames
    }

    /// The PTS at which each segment after the first starts.
    static func boundaries(_ frames: [Frame], fragment: Int64, aligned: Bool) -> [Int64] {
        var segmenter = HLSSegmenter(settings: .init(fragment: fragment), hasVideo: true)
        segmenter.alignsToGrid = aligned
        var cuts: [Int64] = []
        for frame in frames {
            if case .cut(_, let discontinuity) = segmenter.place(frame) {
                #expect(!discontinuity)
                #expect(frame.isKeyframe)
                cuts.append(frame.pts)
            }
        }
        return cuts
    }

    @Test func renditionsStartingAtDifferentKeyframesCutAtTheSameInstants() {
        let source = Self.boundaries(Self.frames(from: 80, to: 18_000, bFrames: true), fragment: 3_000, aligned: true)
        let late = Self.boundaries(Self.frames(from: 4_880, to: 18_000, bFrames: false), fragment: 3_000, aligned: true)
        let later = Self.boundaries(Self.frames(from: 9_680, to: 18_000, bFrames: false), fragment: 3_000, aligned: true)
        // First keyframe in each later 3 s cell: 4_080 (cell 1), 6_480 (2), 9_680 (3), 12_480 (4), 16_080 (5).
        #expect(source == [4_080, 6_480, 9_680, 12_480, 16_080])
        #expect(late == source.filter { $0 > 4_880 })
        #expect(later == source.filter { $0 > 9_680 })
    }

    @Test func withoutTheGridTheSameRenditionsCutApart() {
        // The guard that the test above can fail: today's rule measures from each segment's own start.
        let source = Self.boundaries(Self.frames(from: 80, to: 18_000, bFrames: true), fragment: 3_000, aligned: false)
        let later = Self.boundaries(Self.frames(from: 9_680, to: 18_000, bFrames: false), fragment: 3_000, aligned: false)
        #expect(source == [4_080, 8_080, 12_480, 16_080])
        #expect(later == [14_080])
    }

    @Test func theGridReadsPresentationTimeNotDecodeTime() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 2_000), hasVideo: true)
        segmenter.alignsToGrid = true
        #expect(segmenter.place(Frame(track: .video, dts: 1_900, isKeyframe: true, pts: 1_980)) == .open(discontinuity: false))
        // DTS 1_960 is still in cell 0, PTS 2_040 is in cell 1: a cut.
        #expect(segmenter.place(Frame(track: .video, dts: 1_960, isKeyframe: true, pts: 2_040)) == .cut(duration: 60, discontinuity: false))
        // Non-keyframes never cut on the grid, even without hls_wait_keyframe.
        var loose = HLSSegmenter(settings: .init(fragment: 2_000, waitKeyframe: false), hasVideo: true)
        loose.alignsToGrid = true
        _ = loose.place(Frame(track: .video, dts: 0, isKeyframe: true))
        #expect(loose.place(Frame(track: .video, dts: 4_000)) == .append)
    }

    @Test func jumpsAndTheHardLimitStillApply() {
        var settings = HLSSegmenter.Settings(fragment: 2_000)
        settings.hardLimit = 8_000
        var segmenter = HLSSegmenter(settings: settings, hasVideo: true)
        segmenter.alignsToGrid = true
        _ = segmenter.place(Frame(track: .video, dts: 0, isKeyframe: true))
        var cuts: [Int64] = []
        for dts in stride(from: Int64(40), to: 17_000, by: 40) {
            if case .cut(let duration, _) = segmenter.place(Frame(track: .video, dts: dts)) { cuts.append(duration) }
        }
        #expect(cuts == [8_000, 8_000])
        #expect(segmenter.place(Frame(track: .video, dts: 3_600_000, isKeyframe: true)) == .cut(duration: 1_000, discontinuity: true))
    }

    @Test func negativeTimesFallInTheirOwnCells() {
        var segmenter = HLSSegmenter(settings: .init(fragment: 1_000), hasVideo: true)
        segmenter.alignsToGrid = true
        _ = segmenter.place(Frame(track: .video, dts: -1_500, isKeyframe: true))
        #expect(segmenter.place(Frame(track: .video, dts: -1_100, isKeyframe: true)) == .append)
        if case .cut = segmenter.place(Frame(track: .video, dts: -900, isKeyframe: true)) {} else { Issue.record("no cut at -900") }
        #expect(segmenter.place(Frame(track: .video, dts: -100, isKeyframe: true)) == .append)
        if case .cut = segmenter.place(Frame(track: .video, dts: 0, isKeyframe: true)) {} else { Issue.record("no cut at 0") }
    }
}
