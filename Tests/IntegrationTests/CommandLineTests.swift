import Foundation
import Testing

/// The binary's command line and its signals: -t, --version, SIGTERM, SIGHUP.
@Suite("Command line and signals", .serialized, .integration, .timeLimit(.minutes(2)))
struct CommandLineTests {
    func writeConfig(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hw-cli-\(UUID().uuidString.prefix(8)).conf").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("-t accepts a valid configuration and rejects a broken one with file:line")
    func checkConfiguration() throws {
        let valid = try writeConfig("listen 1935;\nvhost __defaultVhost__ {\n    play { gop_cache on; }\n}\n")
        defer { try? FileManager.default.removeItem(atPath: valid) }
        let ok = try ChildProcess.run(Tools.headwaterBinary, ["-t", "-c", valid], timeout: 20)
        #expect(ok.code == 0, "\(ok.output)")
        #expect(ok.output.contains("test is successful"))

        let broken = try writeConfig("listen 1935;\nvhost __defaultVhost__ {\n    chunk_size 70000;\n}\n")
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let failed = try ChildProcess.run(Tools.headwaterBinary, ["-t", "-c", broken], timeout: 20)
        #expect(failed.code != 0)
        #expect(failed.output.contains("\(broken):3:"), "\(failed.output)")

        let unclosed = try writeConfig("vhost __defaultVhost__ {\n    play {\n")
        defer { try? FileManager.default.removeItem(atPath: unclosed) }
        let syntax = try ChildProcess.run(Tools.headwaterBinary, ["-t", "-c", unclosed], timeout: 20)
        #expect(syntax.code != 0)
        #expect(syntax.output.contains(unclosed + ":"), "\(syntax.output)")

        let srs = Tools.packageRoot.appendingPathComponent("conf/srs-compat.conf").path
        let warned = try ChildProcess.run(Tools.headwaterBinary, ["-t", "-c", srs], timeout: 20)
        #expect(warned.code == 0, "\(warned.output)")
        #expect(warned.output.contains("warning: \(srs):"))
    }

    @Test("srs_log_tank file writes the log to srs_log_file")
    func logToFile() throws {
        let port = Ports.free()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hw-log-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logFile = directory.appendingPathComponent("logs/headwater.log").path
        let config = try writeConfig(
            "listen \(port);\npid \(directory.path)/headwater.pid;\nsrs_log_tank file;\nsrs_log_file \(logFile);\n")
        defer { try? FileManager.default.removeItem(atPath: config) }
        let server = try ChildProcess(Tools.headwaterBinary, ["-c", config], name: "headwater")
        defer { server.stop() }
        #expect(MediaTools.waitFor({ Ports.isOpen(port) }, timeout: 20), "\(server.output)")
        let text = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
        #expect(text.contains("RTMP listening"), "log file: \(text)\nstdout/stderr: \(server.output)")
        #expect(!server.output.contains("RTMP listening"), "the log also went to the console")
    }

    @Test(
        "a server pinned to one core (taskset) runs one event loop",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/taskset"), "needs taskset (util-linux)"))
    func eventLoopsFollowTheAffinityMask() throws {
        let pinned = try HeadwaterServer(launcher: ["/usr/bin/taskset", "-c", "0"])
        #expect(pinned.log.contains("headwater starting event_loops=1 "), "\(pinned.log)")
    }

    @Test("--version prints the version")
    func version() throws {
        let result = try ChildProcess.run(Tools.headwaterBinary, ["--version"], timeout: 20)
        #expect(result.code == 0)
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test(
        "SIGTERM or SIGINT during publish and play stops cleanly: sessions closed, exit 0, pid file removed",
        arguments: [SIGTERM, SIGINT])
    func gracefulStop(signal: Int32) throws {
        let server = try HeadwaterServer()
        let pidFile = server.directory.appendingPathComponent("headwater.pid").path
        #expect(FileManager.default.fileExists(atPath: pidFile))
        let publisher = try MediaTools.publishTestSource(to: server.url("live/stop"), seconds: 30)
        #expect(MediaTools.waitFor({ server.log.contains("publish started") }, timeout: 15))
        let player = try MediaTools.probe(server.url("live/stop"))
        #expect(MediaTools.waitFor({ server.log.contains("play started") }, timeout: 15))
        usleep(1_000_000)

        server.process.signal(signal)
        #expect(server.process.waitForExit(timeout: 10), "server did not stop on signal \(signal)")
        #expect(server.process.exitCode == 0)
        #expect(server.log.contains("headwater stopped"))
        #expect(server.log.contains("publish stopped"))
        #expect(!FileManager.default.fileExists(atPath: pidFile))
        #expect(publisher.waitForExit(timeout: 10), "publisher still running after the server stopped")
        #expect(player.waitForExit(timeout: 10), "player still running after the server stopped")
    }

    @Test("SIGHUP reloads: vhost changes apply to new sessions; a broken file keeps the running config")
    func reload() throws {
        let server = try HeadwaterServer()
        let url = server.url("live?vhost=studio/reload")
        let before = try MediaTools.publishTestSource(to: url, seconds: 2)
        #expect(before.waitForExit(timeout: 20))
        #expect(before.exitCode == 0, "publish before reload failed: \(before.output)")

        let original = try String(contentsOfFile: server.configPath, encoding: .utf8)
        try (original + "\nvhost studio {\n    enabled off;\n}\n").write(toFile: server.configPath, atomically: true, encoding: .utf8)
        server.process.signal(SIGHUP)
        #expect(MediaTools.waitFor({ server.log.contains("configuration reloaded") }, timeout: 10), "\(server.log)")
        #expect(server.log.contains("studio"))
        let refused = try MediaTools.publishTestSource(to: url, seconds: 2)
        #expect(refused.waitForExit(timeout: 20))
        #expect(refused.exitCode != 0, "publish to a vhost disabled by reload was accepted")

        try (original + "\nvhost studio {\n    enabled of;\n").write(toFile: server.configPath, atomically: true, encoding: .utf8)
        server.process.signal(SIGHUP)
        #expect(MediaTools.waitFor({ server.log.contains("reload failed") }, timeout: 10), "\(server.log)")
        #expect(server.process.isRunning)
        let still = try MediaTools.publishTestSource(to: url, seconds: 2)
        #expect(still.waitForExit(timeout: 20))
        #expect(still.exitCode != 0, "the broken reload replaced the running configuration")
        let other = try MediaTools.publishTestSource(to: server.url("live/other"), seconds: 2)
        #expect(other.waitForExit(timeout: 20))
        #expect(other.exitCode == 0, "\(other.output)")

        // A later reload reports what changed since the configuration in force, not since start.
        try (original + "\nvhost studio {\n    enabled off;\n}\nvhost arena {\n}\n")
            .write(toFile: server.configPath, atomically: true, encoding: .utf8)
        server.process.signal(SIGHUP)
        #expect(
            MediaTools.waitFor({ server.log.components(separatedBy: "configuration reloaded").count == 3 }, timeout: 10),
            "\(server.log)")
        let lastReload = server.log.components(separatedBy: "configuration reloaded").last ?? ""
        #expect(lastReload.contains("vhosts.changed=arena") && !lastReload.contains("studio"), "\(lastReload)")
    }
}
