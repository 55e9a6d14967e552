import Foundation
import Testing

/// `scripts/bench.sh --short` end to end, so the benchmark that fills the README's Performance table keeps
/// working: headwater and nginx-rtmp over RTMP, headwater over HTTP-FLV and through one edge hop.
/// It runs the binaries of this test run (HEADWATER_BIN, HEADWATER_BENCH_BIN), not a release build.
@Suite(
    "scripts/bench.sh", .serialized, .integration,
    .enabled(if: NginxRTMP.isAvailable, "install nginx and libnginx-mod-rtmp"), .timeLimit(.minutes(5)))
struct BenchScriptTests {
    /// The table's body rows, as trimmed cells.
    static func rows(of table: String) -> [[String]] {
        table.split(separator: "\n")
            .filter { $0.hasPrefix("| ") && !$0.hasPrefix("| server |") }
            .map { line in line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    @Test("--short --repeat 2: one row of each kind, every player connected, none failed, CPU and RSS measured")
    func shortRun() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("hw-bench-\(UUID().uuidString.prefix(8)).md")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = Tools.packageRoot.appendingPathComponent("scripts/bench.sh").path
        let run = try ChildProcess(
            "/usr/bin/env",
            [
                "HEADWATER_BIN=\(Tools.headwaterBinary)", "HEADWATER_BENCH_BIN=\(BenchToolTests.benchBinary)",
                "/bin/bash", script, "--short", "--repeat", "2", "--out", out.path,
            ], name: "bench.sh")
        defer { run.stop() }
        guard run.waitForExit(timeout: 270) else { throw HarnessError("bench.sh did not finish:\n\(run.output)") }
        #expect(run.exitCode == 0, "\(run.output)")
        let table = try String(contentsOf: out, encoding: .utf8)
        // The header names the command and the build that produced the numbers.
        #expect(table.contains("`scripts/bench.sh --short --repeat 2 --out "), "\(table)")
        #expect(table.contains("build: headwater "), "\(table)")
        #expect(table.contains("the run with the median CPU per Gbit of 2"), "\(table)")

        let rows = Self.rows(of: table)
        let kinds = rows.map { "\($0[0]) \($0[1])" }
        #expect(
            kinds == [
                "headwater RTMP", "nginx-rtmp RTMP", "headwater RTMP, min_latency on", "headwater HTTP-FLV",
                "headwater edge RTMP, 1 edge hop",
            ],
            "\(table)")
        for row in rows {
            // server, protocol, kbps, players, connected, failed, Mbps, CPU/Gbit, steady CPU/Gbit, RSS/player,
            // TTFF, stalls, CPU ratio, steady CPU ratio, RSS ratio
            #expect(row.count == 15, "\(row)")
            guard row.count == 15 else { continue }
            #expect(row[3] == "200" && row[4] == row[3], "every player connected: \(row)")
            #expect(row[5] == "0", "none failed: \(row)")
            #expect((Double(row[6]) ?? 0) > 0, "media delivered: \(row)")
            #expect((Double(row[7]) ?? 0) > 0, "CPU measured: \(row)")
            // The steady window of a 10 s run with a 2 s ramp is 4 s to 9 s.
            #expect((Double(row[8]) ?? 0) > 0, "steady CPU measured: \(row)")
            #expect(Double(row[9]) != nil, "RSS measured: \(row)")
            #expect(Int(row[10]) != nil, "TTFF measured: \(row)")
        }
        // The ratios sit on the headwater RTMP row: the median of the two pairs' ratios, which are listed
        // under the table in run order.
        #expect(rows.first.map { $0[12...14].allSatisfy { Double($0) != nil } } == true, "\(table)")
        // HTTP-FLV's row has its own, against headwater's RTMP run of the same repetition, listed too.
        #expect(rows.count == 5 && rows[3][12...14].allSatisfy { Double($0) != nil }, "\(table)")
        #expect(table.contains("; HTTP-FLV/RTMP "), "\(table)")
        let pairs = Self.headwaterPairRatios(in: table)
        #expect(pairs.count == 2, "two pairs' CPU ratios listed: \(table)")
        // One line per row, the steady ratios and min_latency on's on it too.
        #expect(
            table.split(separator: "\n").contains { $0.hasPrefix("- ") && $0.contains("min_latency on ") && $0.hasSuffix(").") },
            "\(table)")
        if pairs.count == 2, let ratio = Double(rows[0][12]) {
            let median = (pairs[0] + pairs[1]) / 2
            #expect(abs(ratio - median) < 0.011, "CPU ratio \(ratio) against the pairs' \(pairs)")
        }
    }

    /// The headwater CPU ratios of the line under the table, "- K kbps, N players: headwater A, B (steady …".
    static func headwaterPairRatios(in table: String) -> [Double] {
        guard let line = table.split(separator: "\n").first(where: { $0.hasPrefix("- ") && $0.contains("players: headwater ") }),
            let start = line.range(of: "players: headwater "), let end = line.range(of: " (steady")
        else { return [] }
        return line[start.upperBound..<end.lowerBound].split(separator: ",").compactMap {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
    }
}
