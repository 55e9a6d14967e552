#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` metrics Prometheus' client libraries export, read from Linux's /proc
/// when `/metrics` is scraped (a handful of small reads; no sampling thread).
///
/// proc(5): `/proc/self/stat`, `/proc/stat` (btime), `/proc/self/fd`.
public struct ProcessMetrics: Sendable, Hashable {
    /// User plus system CPU time, in seconds.
    public var cpuSeconds: Double
    /// Resident set size, in bytes.
    public var residentMemoryBytes: Int
    /// Virtual memory size, in bytes.
    public var virtualMemoryBytes: Int
    /// When the process started, in seconds since 1970.
    public var startTimeSeconds: Double
    /// Open file descriptors (sockets included).
    public var openFileDescriptors: Int?
    /// The soft limit on open file descriptors.
    public var maxFileDescriptors: Int?

    /// The figures of the running process, or `nil` where /proc is not available.
    public static func current() -> ProcessMetrics? {
        #if os(Linux)
        guard let stat = ProcFile.read("/proc/self/stat"), let system = ProcFile.read("/proc/stat") else { return nil }
        let ticks = Int(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard var metrics = parse(stat: stat, systemStat: system, ticksPerSecond: ticks, pageSize: pageSize) else {
            return nil
        }
        metrics.openFileDescriptors = ProcFile.countEntries("/proc/self/fd")
        var limit = rlimit()
        // rlim_t.max is RLIM_INFINITY, which Swift cannot import (a cast of -1).
        if getrlimit(RLIMIT_NOFILE_VALUE, &limit) == 0, limit.rlim_cur != rlim_t.max {
            metrics.maxFileDescriptors = Int(clamping: limit.rlim_cur)
        }
        return metrics
        #else
        return nil
        #endif
    }

    /// Parses `/proc/self/stat` and `/proc/stat`.
    /// - Parameters:
    ///   - stat: The process's stat line.
    ///   - systemStat: The system's stat file, for the boot time (`btime`).
    ///   - ticksPerSecond: `sysconf(_SC_CLK_TCK)`.
    ///   - pageSize: `sysconf(_SC_PAGESIZE)`.
    /// - Returns: The figures, without file descriptors; `nil` when a field is missing.
    static func parse(stat: String, systemStat: String, ticksPerSecond: Int, pageSize: Int) -> ProcessMetrics? {
        guard let fields = ProcStat.fields(of: stat), ticksPerSecond > 0 else { return nil }
        func field(_ number: Int) -> Int? { ProcStat.field(number, in: fields) }
        guard let utime = field(14), let stime = field(15), let startTicks = field(22), let vsize = field(23),
            let rssPages = field(24)
        else { return nil }
        guard let bootLine = systemStat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
            let bootTime = Int(bootLine.dropFirst("btime ".count).trimmingPrefix(" "))
        else { return nil }
        let ticks = Double(ticksPerSecond)
        return ProcessMetrics(
            cpuSeconds: Double(utime + stime) / ticks,
            residentMemoryBytes: rssPages * pageSize,
            virtualMemoryBytes: vsize,
            startTimeSeconds: Double(bootTime) + Double(startTicks) / ticks)
    }

    /// Writes the `process_*` families.
    func write(into writer: inout PrometheusTextWriter) {
        writer.family(
            "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", type: .counter,
            value: cpuSeconds)
        writer.family(
            "process_resident_memory_bytes", help: "Resident memory size in bytes.", type: .gauge,
            value: Double(residentMemoryBytes))
        writer.family(
            "process_virtual_memory_bytes", help: "Virtual memory size in bytes.", type: .gauge,
            value: Double(virtualMemoryBytes))
        writer.family(
            "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.",
            type: .gauge, value: startTimeSeconds)
        if let openFileDescriptors {
            writer.family(
                "process_open_fds", help: "Number of open file descriptors.", type: .gauge,
                value: Double(openFileDescriptors))
        }
        if let maxFileDescriptors {
            writer.family(
                "process_max_fds", help: "Maximum number of open file descriptors.", type: .gauge,
                value: Double(maxFileDescriptors))
        }
    }
}

extension Substring {
    fileprivate func trimmingPrefix(_ character: Character) -> Substring {
        drop { $0 == character }
    }
}

#if os(Linux)
/// Glibc imports `RLIMIT_NOFILE` as an enum case on some versions and an integer on others.
private let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

/// Small reads of /proc files, whose size `stat` reports as 0, so they are read to EOF, bounded.
enum ProcFile {
    /// The most read from one /proc file; the ones read here are a few hundred bytes.
    static let limit = 64 * 1024

    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = Glibc.read(fd, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The entries of a directory, without `.` and `..`.
    static func countEntries(_ path: String) -> Int? {
        guard let directory = opendir(path) else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDot { count += 1 }
        }
        // The directory stream itself holds one descriptor while counting.
        return max(0, count - 1)
    }
}
#endif
