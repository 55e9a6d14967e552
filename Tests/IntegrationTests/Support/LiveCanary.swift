import Foundation

/// A live stream that must keep flowing while a test attacks the server: an ffmpeg publisher
/// (`-re` test pattern, H.264) and an ffmpeg player that copies the stream into a file flushed
/// after every packet, so the file's growth shows that media still arrives.
final class LiveCanary {
    let server: HeadwaterServer
    let publisher: ChildProcess
    let player: ChildProcess
    let outputPath: String

    init(server: HeadwaterServer, path: String = "live/canary") throws {
        self.server = server
        outputPath = server.directory.appendingPathComponent("canary.flv").path
        publisher = try MediaTools.publishTestPattern(to: server.url(path), name: "canary-publisher")
        guard server.waitForLog("publish started", timeout: 15) else {
            publisher.stop()
            throw HarnessError("canary publisher did not start:\n\(publisher.output)\n\(server.log)")
        }
        player = try ChildProcess(
            try Tools.require("ffmpeg"),
            [
                // A short probe: the GOP cache delivers the sequence header and a keyframe at once.
                "-nostdin", "-loglevel", "error", "-analyzeduration", "200000", "-i", server.url(path), "-c", "copy",
                "-flush_packets", "1",
                "-f", "flv", "-y", outputPath,
            ], name: "canary-player")
        guard isFlowing(timeout: 15) else {
            player.stop()
            publisher.stop()
            throw HarnessError("canary player received nothing:\n\(player.output)\n\(server.log)")
        }
    }

    /// Bytes the player has written so far.
    var receivedBytes: Int {
        ((try? FileManager.default.attributesOfItem(atPath: outputPath))?[.size] as? Int) ?? 0
    }

    /// Whether the player's file grows within `timeout` seconds while the server, the publisher
    /// and the player are all still running.
    func isFlowing(timeout: Double = 5) -> Bool {
        let start = receivedBytes
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard server.process.isRunning, publisher.isRunning, player.isRunning else { return false }
            if receivedBytes > start { return true }
            usleep(50_000)
        }
        return false
    }

    /// What went wrong, for a failed expectation.
    var diagnostics: String {
        "server running: \(server.process.isRunning), publisher: \(publisher.isRunning), player: \(player.isRunning)\n"
            + "publisher: \(publisher.output)\nplayer: \(player.output)\nserver log:\n\(server.log)"
    }

    deinit {
        player.stop(grace: 2)
        publisher.stop(grace: 2)
    }
}

extension HeadwaterServer {
    /// Waits until the log holds `phrase` at least `count` times; returns whether it did.
    func waitForLog(_ phrase: String, count: Int = 1, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if logCount(phrase) >= count { return true }
            guard Date() < deadline, process.isRunning else { return false }
            usleep(50_000)
        }
    }

    /// How many log lines contain `phrase`.
    func logCount(_ phrase: String) -> Int {
        log.split(separator: "\n").filter { $0.contains(phrase) }.count
    }
}
