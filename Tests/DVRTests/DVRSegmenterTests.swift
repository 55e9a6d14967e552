import Config
import Media
import Testing

@testable import DVR

@Suite struct DVRSegmenterTests {
    /// Runs the media packets of `packets` through `segmenter` and groups them into files.
    static func files(
        _ packets: [MediaPacket], _ segmenter: inout DVRSegmenter
    ) -> (files: [[MediaPacket]], skipped: Int) {
        var files: [[MediaPacket]] = []
        var skipped = 0
        for packet in packets where !packet.isSequenceHeader {
            switch segmenter.decide(packet) {
            case .skip: skipped += 1
            case .start, .cut: files.append([packet])
            case .append: files[files.count - 1].append(packet)
            }
        }
        return (files, skipped)
    }

    @Test func segmentPlanCutsAtTheFirstKeyframeAfterTheDuration() {
        var segmenter = DVRSegmenter(plan: .segment, duration: .seconds(4), waitKeyframe: true)
        segmenter.hasVideo = true
        let packets = Payloads.stream(seconds: 10, gop: 75)  // keyframes at 0, 3, 6 and 9 s
        let (files, skipped) = Self.files(packets, &segmenter)
        #expect(skipped == 0)
        #expect(files.map { $0.first!.timestamp } == [0, 6_000])
        #expect(files.allSatisfy { $0.first!.kind == .video && $0.first!.isKeyframe })
        // Back to back: every packet lands in exactly one file, in order.
        #expect(files.flatMap { $0 }.map(\.timestamp) == packets.filter { !$0.isSequenceHeader }.map(\.timestamp))
    }

    @Test func withoutWaitingForKeyframesFilesAreCutAtTheDuration() {
        var segmenter = DVRSegmenter(plan: .segment, duration: .seconds(4), waitKeyframe: false)
        segmenter.hasVideo = true
        let packets = Payloads.stream(seconds: 10, gop: 75)
        let (files, _) = Self.files(packets, &segmenter)
        #expect(files.map { $0.first!.timestamp } == [0, 4_000, 8_000])
        #expect(files.map(\.count).reduce(0, +) == packets.count - 2)
    }

    @Test func sessionPlanKeepsOneFile() {
        var segmenter = DVRSegmenter(plan: .session, duration: .seconds(1), waitKeyframe: true)
        let (files, _) = Self.files(Payloads.stream(seconds: 5), &segmenter)
        #expect(files.count == 1)
    }

    @Test func aVideoStreamStartsAtItsFirstKeyframe() {
        var segmenter = DVRSegmenter(plan: .session, duration: .seconds(30), waitKeyframe: true)
        segmenter.hasVideo = true  // known from the sequence header
        #expect(segmenter.decide(Payloads.audio(0)) == .skip)
        #expect(segmenter.decide(Payloads.video(0)) == .skip)
        #expect(segmenter.decide(Payloads.video(40, key: true)) == .start)
        #expect(segmenter.decide(Payloads.audio(41)) == .append)
        #expect(segmenter.fileStart == 40)
    }

    @Test func audioOnlyStreamsCutOnAnyFrame() {
        var segmenter = DVRSegmenter(plan: .segment, duration: .milliseconds(1_000), waitKeyframe: true)
        #expect(segmenter.decide(Payloads.audio(0)) == .start)
        #expect(segmenter.decide(Payloads.audio(999)) == .append)
        #expect(segmenter.decide(Payloads.audio(1_000)) == .cut)
        #expect(segmenter.fileStart == 1_000)
    }

    @Test func anAbandonedFileRestartsAtTheNextKeyframe() {
        var segmenter = DVRSegmenter(plan: .segment, duration: .seconds(4), waitKeyframe: true)
        #expect(segmenter.decide(Payloads.video(0, key: true)) == .start)
        segmenter.closeFile()
        #expect(segmenter.decide(Payloads.video(40)) == .skip)
        #expect(segmenter.decide(Payloads.video(80, key: true)) == .start)
        #expect(segmenter.fileStart == 80)
    }
}
