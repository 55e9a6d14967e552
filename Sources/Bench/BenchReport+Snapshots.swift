import NIOCore

extension BenchReport {
    /// Folds the shards' snapshots into a report.
    /// - Parameters:
    ///   - elapsed: seconds over which `bytes` were received, for `mbps`.
    ///   - bytes: bytes to rate (all players' bytes, or the delta since the last line).
    ///   - sendClock: the in-process publisher's record; gives `frames_sent` and per-player differences.
    static func make(
        mode: BenchMode, players: Int, snapshots: [PlayerShard.Snapshot], sendClock: SendClock?,
        bytes: Int, elapsed: Double, now: NIODeadline
    ) -> BenchReport {
        var report = BenchReport(mode: mode, players: players, durationSeconds: elapsed)
        var kbps: [Double] = []
        var ttff: [Double] = []
        var latencies: [Double] = []
        var received: [Double] = []
        var differences: [Double] = []
        for snapshot in snapshots {
            latencies.append(contentsOf: snapshot.latencies)
            for player in snapshot.players {
                if player.everPlayed { report.connected += 1 }
                if player.phase == .failed { report.failed += 1 }
                if player.stalled { report.stalled += 1 }
                if let rate = player.kilobitsPerSecond(at: now) { kbps.append(rate) }
                if let time = player.timeToFirstFrameMilliseconds { ttff.append(time) }
                if let first = player.firstKeyTimestamp, !player.countsBytesOnly {
                    received.append(Double(player.framesReceived))
                    if let sendClock {
                        differences.append(Double(player.framesReceived - sendClock.framesSent(from: first)))
                    }
                }
            }
        }
        report.mbps = elapsed > 0 ? Double(bytes) * 8 / 1e6 / elapsed : 0
        report.perPlayerKbps = Percentiles(kbps)
        report.ttffMilliseconds = Percentiles(ttff)
        report.latencyMilliseconds = Percentiles(latencies)
        report.framesSent = sendClock?.framesSent
        report.framesReceived = Percentiles(received)
        report.frameDifference = Percentiles(differences)
        return report
    }

    /// Only the named fields, `prefix key=value ...` (the per-second line).
    public func line(prefix: String, keys: Set<String>) -> String {
        ([prefix] + fields.filter { keys.contains($0.key) }.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }

    /// The keys of the per-second line.
    public static let secondKeys: Set<String> = [
        "connected", "failed", "mbps", "stalled", "ttff_p50_ms", "latency_p50_ms", "frames_sent",
    ]
}

extension PlayerShard.Snapshot {
    var bytes: Int { players.reduce(0) { $0 + $1.bytes } }
}
