import Live
import Testing

@Suite struct StreamClockTests {
    func run(_ mode: TimeJitter, _ inputs: [UInt32], track: StreamClock.Track = .video) -> [Int64] {
        var clock = StreamClock(mode: mode)
        return inputs.map { clock.correct($0, track: track) }
    }

    @Test func fullReplacesJumpsBothWaysWithASmallStep() {
        #expect(run(.full, [1000, 1040, 1080, 9_000_000, 9_000_040, 500, 540]) == [0, 40, 80, 90, 130, 140, 180])
    }

    @Test func fullKeepsTheSpacingOfSparseTracks() {
        // 1 fps video (a slideshow, a camera at low rate): real steps of a second are kept.
        #expect(run(.full, [0, 1000, 2000, 3000]) == [0, 1000, 2000, 3000])
    }

    @Test func fullKeepsTheEncodersAVOffset() {
        var clock = StreamClock(mode: .full)
        #expect(clock.correct(5000, track: .audio) == 0)
        #expect(clock.correct(5120, track: .video) == 120)
        #expect(clock.correct(5023, track: .audio) == 23)
        #expect(clock.correct(5160, track: .video) == 160)
    }

    @Test func aJumpOnOneTrackDoesNotMoveTheOther() {
        var clock = StreamClock(mode: .full)
        _ = clock.correct(0, track: .audio)
        _ = clock.correct(0, track: .video)
        #expect(clock.correct(3_600_000, track: .video) == 10)  // the video clock jumped an hour
        #expect(clock.correct(23, track: .audio) == 23)  // audio carries on undisturbed
    }

    @Test func fullCarriesOnAcrossARepublishKeepingTheNewOffset() {
        var clock = StreamClock(mode: .full)
        _ = clock.correct(0, track: .audio)
        _ = clock.correct(40, track: .video)
        clock.publisherDidRestart()
        // The encoder restarts at 0 with audio first and video 80 ms later.
        #expect(clock.correct(0, track: .audio) == 50)
        #expect(clock.correct(80, track: .video) == 130)
        #expect(clock.correct(120, track: .video) == 170)
    }

    @Test func fullNeverStepsBackwardsWithinATrack() {
        #expect(run(.full, [0, 100, 60, 140]) == [0, 100, 100, 140])
    }

    @Test func offUnwrapsThe32BitClock() {
        #expect(run(.off, [UInt32.max - 20, 19]) == [Int64(UInt32.max) - 20, Int64(UInt32.max) + 20])
    }

    @Test func fullCrossesThe32BitWrapSmoothly() {
        #expect(run(.full, [UInt32.max - 20, UInt32.max, 19]) == [0, 20, 40])
    }

    @Test func extendedTimestampBoundaryIsNotAJump() {
        #expect(run(.full, [0xFF_FFF0, 0xFF_FFFF, 0x100_0010]) == [0, 15, 32])
    }

    @Test func zeroShiftsTheSharedStartToZeroAndRebasesOnRepublish() {
        var clock = StreamClock(mode: .zero)
        #expect(clock.correct(5000, track: .video) == 0)
        #expect(clock.correct(5010, track: .audio) == 10)
        #expect(clock.correct(5040, track: .video) == 40)
        clock.publisherDidRestart()
        #expect(clock.correct(900, track: .audio) == 0)
    }
}
