import Foundation
import NIOConcurrencyHelpers
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The process and system figures of `/api/v1/summaries`, read from Linux's `/proc` when asked.
///
/// "Percent" fields are fractions (0.25 is a quarter), as SRS sends them. CPU figures need two readings: each call compares with the previous one (at least
/// `minimumInterval` apart; closer calls reuse the last result), and the first compares with the
/// process start. The files are tiny and in memory, so reading them on the request's thread is fine.
final class HTTPAPIProcessStatistics: Sendable {
    struct Snapshot: Sendable {
        var ok = false
        var parentPID = 0
        /// Resident set size, KiB.
        var memoryKiB = 0
        var memoryPercent = 0.0
        var cpuPercent = 0.0
        var systemCPUPercent = 0.0
        var ramKiB = 0
        var ramPercent = 0.0
        var swapKiB = 0
        var swapPercent = 0.0
        var cpus = 0
        var cpusOnline = 0
        /// Seconds since the machine booted.
        var systemUptime = 0.0
        var load: (one: Double, five: Double, fifteen: Double) = (0, 0, 0)
    }

    private struct CPUReading {
        var time: NIODeadline
        /// The process's user + system clock ticks.
        var processTicks: Int
        /// The whole machine's busy and total ticks (`/proc/stat` first line).
        var systemBusy: Int
        var systemTotal: Int
        var processPercent: Double
        var systemPercent: Double
    }

    static let minimumInterval = TimeAmount.milliseconds(500)
    private let last = NIOLockedValueBox<CPUReading?>(nil)

    func snapshot() -> Snapshot {
        var snapshot = Snapshot()
        snapshot.parentPID = Int(getppid())
        snapshot.cpus = sysconf(Int32(_SC_NPROCESSORS_CONF))
        snapshot.cpusOnline = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        let memory = Self.fields(of: "/proc/meminfo")
        snapshot.ramKiB = memory["MemTotal"] ?? 0
        if snapshot.ramKiB > 0, let available = memory["MemAvailable"] {
            snapshot.ramPercent = Double(snapshot.ramKiB - available) / Double(snapshot.ramKiB)
        }
        snapshot.swapKiB = memory["SwapTotal"] ?? 0
        if snapshot.swapKiB > 0, let free = memory["SwapFree"] {
            snapshot.swapPercent = Double(snapshot.swapKiB - free) / Double(snapshot.swapKiB)
        }
        snapshot.memoryKiB = Self.fields(of: "/proc/self/status")["VmRSS"] ?? 0
        if snapshot.ramKiB > 0 {
            snapshot.memoryPercent = Double(snapshot.memoryKiB) / Double(snapshot.ramKiB)
        }
        let uptime = Self.numbers(in: Self.read("/proc/uptime"))
        snapshot.systemUptime = uptime.first ?? 0
        let load = Self.numbers(in: Self.read("/proc/loadavg"))
        if load.count >= 3 { snapshot.load = (load[0], load[1], load[2]) }
        if let cpu = readCPU(systemUptime: snapshot.systemUptime) {
            snapshot.cpuPercent = cpu.processPercent
            snapshot.systemCPUPercent = cpu.systemPercent
            snapshot.ok = snapshot.ramKiB > 0 && snapshot.memoryKiB > 0
        }
        return snapshot
    }

    private func readCPU(systemUptime: Double) -> CPUReading? {
        guard let process = Self.processTimes(), let system = Self.systemTimes() else { return nil }
        let now = NIODeadline.now()
        let ticksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        return last.withLockedValue { last in
            if let previous = last, now - previous.time < Self.minimumInterval {
                return previous
            }
            var reading = CPUReading(
                time: now, processTicks: process.cpu, systemBusy: system.busy, systemTotal: system.total,
                processPercent: 0, systemPercent: 0)
            if let previous = last {
                let seconds = Double((now - previous.time).nanoseconds) / 1e9
                reading.processPercent = Double(process.cpu - previous.processTicks) / ticksPerSecond / seconds
                let total = system.total - previous.systemTotal
                if total > 0 {
                    reading.systemPercent = Double(system.busy - previous.systemBusy) / Double(total)
                }
            } else {
                // First reading: averages since the process (and the machine) started.
                let alive = systemUptime - Double(process.start) / ticksPerSecond
                if alive > 0 { reading.processPercent = Double(process.cpu) / ticksPerSecond / alive }
                if system.total > 0 { reading.systemPercent = Double(system.busy) / Double(system.total) }
            }
            last = reading
            return reading
        }
    }

    /// utime + stime and starttime, in clock ticks (proc(5) `/proc/[pid]/stat` fields 14, 15 and 22).
    private static func processTimes() -> (cpu: Int, start: Int)? {
        guard let fields = ProcStat.fields(of: read("/proc/self/stat")),
            let user = ProcStat.field(14, in: fields), let system = ProcStat.field(15, in: fields),
            let start = ProcStat.field(22, in: fields)
        else { return nil }
        return (user + system, start)
    }

    /// Busy and total ticks of all CPUs (proc(5) `/proc/stat` "cpu" line; idle and iowait are not busy).
    private static func systemTimes() -> (busy: Int, total: Int)? {
        let text = read("/proc/stat")
        guard let line = text.split(separator: "\n").first, line.hasPrefix("cpu ") else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard values.count >= 5 else { return nil }
        let total = values.reduce(0, +)
        return (total - values[3] - values[4], total)
    }

    /// `Name: value kB` lines as a map of the first number.
    private static func fields(of path: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for line in read(path).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                .flatMap { Int($0) }
            if let value { result[String(line[..<colon])] = value }
        }
        return result
    }

    private static func numbers(in text: String) -> [Double] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Double($0) }
    }

    private static func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
