#if canImport(Glibc)
import Glibc
#endif
@testable import HTTPServer
import Testing

/// The `process_*` block read from /proc.
@Suite struct ProcessMetricsTests {
    static let stat =
        "1234 (my (odd) name) S 1 1 1 0 -1 4194304 99 0 0 0 250 150 0 0 20 0 5 0 10000 3133440 394 "
        + "18446744073709551615 94903260979200 0 0 0\n"
    static let systemStat = "cpu  1 2 3 4\nintr 5\nctxt 6\nbtime 1700000000\nprocesses 7\n"

    @Test func parsesCPUMemoryAndStartTime() throws {
        let metrics = try #require(
            ProcessMetrics.parse(stat: Self.stat, systemStat: Self.systemStat, ticksPerSecond: 100, pageSize: 4096))
        #expect(metrics.cpuSeconds == 4)
        #expect(metrics.residentMemoryBytes == 394 * 4096)
        #expect(metrics.virtualMemoryBytes == 3_133_440)
        #expect(metrics.startTimeSeconds == 1_700_000_100)
    }

    @Test(arguments: [
        ("", systemStat), ("1234 (x) S 1 2 3", systemStat), (stat, "cpu 1 2 3\n"), ("no parenthesis", systemStat),
    ])
    func incompleteInputIsNil(stat: String, systemStat: String) {
        #expect(ProcessMetrics.parse(stat: stat, systemStat: systemStat, ticksPerSecond: 100, pageSize: 4096) == nil)
    }

    @Test func writesTheStandardFamilies() {
        var metrics = ProcessMetrics(
            cpuSeconds: 1.25, residentMemoryBytes: 4096, virtualMemoryBytes: 8192, startTimeSeconds: 1_700_000_000)
        metrics.openFileDescriptors = 12
        metrics.maxFileDescriptors = 1024
        var writer = PrometheusTextWriter()
        metrics.write(into: &writer)
        let samples = writer.text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(
            samples == [
                "process_cpu_seconds_total 1.25", "process_resident_memory_bytes 4096",
                "process_virtual_memory_bytes 8192", "process_start_time_seconds 1700000000", "process_open_fds 12",
                "process_max_fds 1024",
            ])
        #expect(writer.text.contains("# TYPE process_cpu_seconds_total counter\n"))
    }

    #if os(Linux)
    @Test func readsThisProcess() throws {
        let metrics = try #require(ProcessMetrics.current())
        #expect(metrics.residentMemoryBytes > 0)
        #expect(metrics.cpuSeconds >= 0)
        #expect((metrics.openFileDescriptors ?? 0) >= 3)
        let now = Double(time(nil))
        #expect(metrics.startTimeSeconds <= now + 1 && metrics.startTimeSeconds > now - 86_400 * 365)
    }
    #endif
}
