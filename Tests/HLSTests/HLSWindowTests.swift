import Foundation
import HLS
import Testing

@Suite struct HLSWindowTests {
    static func segment(_ sequence: Int, _ duration: Int64 = 10_000, discontinuity: Bool = false) -> HLSWindow.Segment {
        HLSWindow.Segment(
            sequence: sequence, path: "live/s-\(sequence).ts", uri: "s-\(sequence).ts", duration: duration,
            programDateTime: nil, discontinuity: discontinuity)
    }

    @Test func slidesAndKeepsRetiredSegmentsForOneMoreWindow() {
        var window = HLSWindow(window: 30_000, minimumTargetDuration: 10)
        var expired: [Int] = []
        for sequence in 0..<10 {
            expired += window.append(Self.segment(sequence)).map(\.sequence)
        }
        #expect(window.segments.map(\.sequence) == [7, 8, 9])
        #expect(window.mediaSequence == 7)
        // 4, 5, 6 left the playlist but stay on disk for one more window; 0...3 are deleted.
        #expect(expired == [0, 1, 2, 3])
        #expect(window.allSegments.map(\.sequence) == [4, 5, 6, 7, 8, 9])
    }

    @Test func theNewestSegmentCanBeTakenBackAndItsNumberReused() {
        var window = HLSWindow(window: 30_000, minimumTargetDuration: 10)
        for sequence in 0..<4 { _ = window.append(Self.segment(sequence)) }
        #expect(window.segments.map(\.sequence) == [1, 2, 3])
        // Only the newest, and only by its own number.
        let notNewest = window.removeNewest(sequence: 2)
        let newest = window.removeNewest(sequence: 3)
        let again = window.removeNewest(sequence: 3)
        #expect(!notNewest && newest && !again)
        #expect(window.segments.map(\.sequence) == [1, 2])
        _ = window.append(Self.segment(3, discontinuity: true))
        let text = window.playlist().render()
        #expect(text.contains("#EXT-X-MEDIA-SEQUENCE:1\n"))
        #expect(text.components(separatedBy: "s-3.ts").count == 2)

        // Taking back the only listed segment leaves an empty playlist that continues at that number.
        var single = HLSWindow(window: 10_000, minimumTargetDuration: 10)
        _ = single.append(Self.segment(0))
        _ = single.append(Self.segment(1))
        let only = single.removeNewest(sequence: 1)
        #expect(only)
        #expect(single.segments.isEmpty && single.mediaSequence == 1)
    }

    @Test func discontinuitySequenceCountsDiscontinuitiesThatLeft() {
        var window = HLSWindow(window: 20_000, minimumTargetDuration: 10)
        _ = window.append(Self.segment(0))
        _ = window.append(Self.segment(1, discontinuity: true))
        _ = window.append(Self.segment(2))
        #expect(window.discontinuitySequence == 0)
        _ = window.append(Self.segment(3, discontinuity: true))
        #expect(window.segments.map(\.sequence) == [2, 3])
        #expect(window.discontinuitySequence == 1)
        let text = window.playlist().render()
        #expect(text.contains("#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n"))
        #expect(text.components(separatedBy: "#EXT-X-DISCONTINUITY\n").count == 2)
    }

    @Test func targetDurationNeverBelowASegmentAndNeverShrinks() {
        var window = HLSWindow(window: 60_000, minimumTargetDuration: 10)
        _ = window.append(Self.segment(0, 10_000))
        #expect(window.targetDuration == 10)
        _ = window.append(Self.segment(1, 12_001))
        #expect(window.targetDuration == 13)
        for sequence in 2..<20 { _ = window.append(Self.segment(sequence, 9_000)) }
        #expect(window.targetDuration == 13)
        #expect(window.playlist(ended: true).render().hasSuffix("#EXT-X-ENDLIST\n"))
    }

    @Test func keepsAtLeastOneSegmentEvenWhenLongerThanTheWindow() {
        var window = HLSWindow(window: 5_000, minimumTargetDuration: 2)
        _ = window.append(Self.segment(0, 8_000))
        _ = window.append(Self.segment(1, 8_000))
        #expect(window.segments.map(\.sequence) == [1])
    }
}
