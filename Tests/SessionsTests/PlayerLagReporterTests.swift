import Live
import Logging
import Testing

@testable import Sessions

@Suite struct PlayerLagReporterTests {
    @Test func onlyADisconnectPlacementEndsThePlayer() {
        var pacer = LivePlayerPacer(queueLength: 1)
        let logger = Logger(label: "test")
        let reporter = PlayerLagReporter.rtmpPlayer
        #expect(!reporter.report(.write, pacer: &pacer, logger: logger))
        #expect(!reporter.report(.queued, pacer: &pacer, logger: logger))
        #expect(!reporter.report(.dropped(3), pacer: &pacer, logger: logger))
        #expect(reporter.report(.disconnect(dropped: 2), pacer: &pacer, logger: logger))
    }
}
