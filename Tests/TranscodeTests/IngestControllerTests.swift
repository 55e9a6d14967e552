import Config
import Logging
import Testing

@testable import Transcode

@Suite struct IngestControllerTests {
    private func configuration(_ ingests: [IngestConfiguration]) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        var vhost = VhostConfiguration(name: "__defaultVhost__")
        vhost.ingests = ingests
        configuration.vhosts[vhost.name] = vhost
        return configuration
    }

    @Test func plansEveryEnabledIngestEngineWithAnOutput() {
        var disabled = IngestConfiguration.testing(id: "off", type: .file, url: "a.flv")
        disabled.enabled = false
        var twoEngines = IngestConfiguration.testing(id: "cam", type: .stream, url: "rtsp://127.0.0.1/cam")
        var hd = twoEngines.engines[0]
        hd.name = "hd"
        hd.output = "rtmp://127.0.0.1:[port]/[app]/[stream]_[engine]?vhost=[vhost]"
        var silent = hd
        silent.name = "silent"
        silent.output = ""
        twoEngines.engines = [hd, silent]
        let plans = IngestController.plans(configuration([disabled, twoEngines]), port: 19350)
        #expect(plans.count == 1)
        let plan = try? #require(plans["__defaultVhost__/cam/hd"])
        #expect(plan?.outputURL == "rtmp://127.0.0.1:19350/live/cam_hd?vhost=__defaultVhost__")
        #expect(plan?.isCopy == true)
    }

    @Test func reloadKeepsUnchangedIngestsAndStopsRemovedOnes() async throws {
        let outputs = CollectingOutputs()
        let controller = IngestController(outputs: outputs, logger: Logger(label: "test"), rtmpPort: { 1935 })
        let first = IngestConfiguration.testing(id: "a", type: .stream, url: "/nonexistent/a.flv")
        let second = IngestConfiguration.testing(id: "b", type: .stream, url: "/nonexistent/b.flv")
        controller.start(configuration([first, second]))
        #expect(controller.statuses().map(\.id) == ["a", "b"])
        #expect(controller.statuses().first?.outputURL == "rtmp://127.0.0.1:1935/live/a")
        #expect(try await eventually { controller.statuses().allSatisfy { $0.restarts >= 1 } })

        var changed = second
        changed.inputURL = "/nonexistent/c.flv"
        controller.reload(configuration([first, changed]))
        let statuses = controller.statuses()
        #expect(statuses.map(\.id) == ["a", "b"])
        // `a` kept running (its count goes on); `b` started again with its new input.
        #expect(statuses[0].restarts >= 1)
        #expect(statuses[1].inputURL == "/nonexistent/c.flv")

        controller.reload(configuration([changed]))
        #expect(controller.statuses().map(\.id) == ["b"])
        await controller.shutdown()
        #expect(controller.statuses().isEmpty)
        try await outputs.shutdown()
    }

    @Test func shutdownDoesNotWaitForAHangingInput() async throws {
        try await withSilentServer { port in
            let outputs = CollectingOutputs()
            let controller = IngestController(outputs: outputs, logger: Logger(label: "test"), rtmpPort: { 1935 })
            let hanging = IngestConfiguration.testing(id: "a", type: .stream, url: "http://127.0.0.1:\(port)/a.flv")
            controller.start(configuration([hanging]))
            try await Task.sleep(for: .milliseconds(200))
            let started = ContinuousClock.now
            await controller.shutdown()
            // A silent peer holds the input for 10 s; shutdown interrupts it.
            #expect(ContinuousClock.now - started < .seconds(8))
            #expect(controller.statuses().isEmpty)
            try await outputs.shutdown()
        }
    }
}
