import Live
import Testing

@Suite struct TimestampCorrectorTests {
    func run(_ mode: TimeJitter, _ inputs: [UInt32]) -> [Int64] {
        var corrector = TimestampCorrector(mode: mode)
        var base: Int64?
        return inputs.map { corrector.correct($0, zeroBase: &base) }
    }

    @Test func fullReplacesJumpsWithASmallStepAndStaysMonotonic() {
        #expect(run(.full, [1000, 1040, 1080, 9_000_000, 9_000_040, 500, 540]) == [0, 40, 80, 90, 130, 140, 180])
    }

    @Test func fullCarriesOnAcrossARepublish() {
        var corrector = TimestampCorrector(mode: .full)
        var base: Int64?
        _ = corrector.correct(0, zeroBase: &base)
        _ = corrector.correct(40, zeroBase: &base)
        corrector.publisherDidRestart()
        #expect(corrector.correct(0, zeroBase: &base) == 50)
        #expect(corrector.correct(40, zeroBase: &base) == 90)
    }

    @Test func offUnwrapsThe32BitClock() {
        #expect(run(.off, [UInt32.max - 20, 19]) == [Int64(UInt32.max) - 20, Int64(UInt32.max) + 20])
    }

    @Test func extendedTimestampBoundaryIsNotAJump() {
        #expect(run(.full, [0xFF_FFF0, 0xFF_FFFF, 0x100_0010]) == [0, 15, 32])
    }

    @Test func zeroShiftsTheSharedStartToZero() {
        var video = TimestampCorrector(mode: .zero)
        var audio = TimestampCorrector(mode: .zero)
        var base: Int64?
        #expect(video.correct(5000, zeroBase: &base) == 0)
        #expect(audio.correct(5010, zeroBase: &base) == 10)
        #expect(video.correct(5040, zeroBase: &base) == 40)
    }
}
