import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child's memory and CPU time, and this process's descriptor limit, for tests that flood the server.
enum ProcessResources {
    /// The resident set size of `pid` in KiB (`VmRSS` of /proc/PID/status), or `nil` when unreadable.
    static func residentKiB(of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            // "VmRSS:\t    1736 kB"
            return line.dropFirst("VmRSS:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
                .flatMap { Int($0) }
        }
        return nil
    }

    /// The CPU time `pid` has used, user and system, in clock ticks (fields 14 and 15 of /proc/PID/stat).
    static func cpuTicks(of pid: Int32) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        // After the command name (which may hold spaces): field 3 onwards.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
        return user + system
    }

    /// The same in MiB.
    static func residentMiB(of pid: Int32) -> Double? {
        residentKiB(of: pid).map { Double($0) / 1024 }
    }

    /// Raises this process's soft descriptor limit to `wanted` (children inherit it), failing when the
    /// hard limit is lower.
    static func raiseFileLimit(to wanted: rlim_t) throws {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { throw HarnessError("getrlimit failed") }
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur >= wanted else {
            throw HarnessError("cannot raise RLIMIT_NOFILE to \(wanted) (hard limit \(limit.rlim_max))")
        }
    }
}
