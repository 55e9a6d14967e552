import Foundation
import NIOCore

/// How many CPUs this process may run on: its affinity mask (`taskset`, a container's cpuset) as well as
/// the online CPUs and cgroup quota that `System.coreCount` reports.
///
/// One event loop per usable CPU. More loops than CPUs only add context switches: every batch a publisher's
/// loop hands to a player's loop wakes a thread that then waits for the same core.
public enum ProcessorAffinity {
    public static var usableCoreCount: Int {
        let online = System.coreCount
        // Swift's Glibc module does not export sched_getaffinity; the kernel shows the same mask here.
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let allowed = allowedCount(status: status)
        else { return online }
        return max(1, min(allowed, online))
    }

    /// The number of bits set in the `Cpus_allowed:` mask of a `/proc/PID/status` text (hex words joined
    /// by commas), or `nil` without one.
    static func allowedCount(status: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else {
            return nil
        }
        var count = 0
        for character in line.dropFirst("Cpus_allowed:".count) where character != "," && !character.isWhitespace {
            guard let nibble = character.hexDigitValue else { return nil }
            count += nibble.nonzeroBitCount
        }
        return count > 0 ? count : nil
    }
}
