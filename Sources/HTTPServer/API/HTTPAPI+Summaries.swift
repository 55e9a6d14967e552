import Hummingbird
import NIOCore
import Sessions

#if canImport(Glibc)
import Glibc
#endif

/// `GET /api/v1/summaries`: the process and the machine (SRS `srs_api_dump_summaries`). Fields SRS reads
/// from places Headwater does not (disk, network devices, kernel connection tables) are left out, and
/// `argv`/`cwd` too: they would disclose paths.
extension HTTPAPI {
    struct Summaries: Encodable {
        struct Process: Encodable {
            var version: String
            var pid: Int
            var ppid: Int
            var memKbyte: Int
            var memPercent: Double
            var cpuPercent: Double
            var srsUptime: Int

            enum CodingKeys: String, CodingKey {
                case version, pid, ppid
                case memKbyte = "mem_kbyte"
                case memPercent = "mem_percent"
                case cpuPercent = "cpu_percent"
                case srsUptime = "srs_uptime"
            }
        }

        struct System: Encodable {
            var cpuPercent: Double
            var memRamKbyte: Int
            var memRamPercent: Double
            var memSwapKbyte: Int
            var memSwapPercent: Double
            var cpus: Int
            var cpusOnline: Int
            var uptime: Double
            var load1m: Double
            var load5m: Double
            var load15m: Double
            var srsSampleTime: Int64
            var srsRecvBytes: Int
            var srsSendBytes: Int
            var connSrs: Int

            enum CodingKeys: String, CodingKey {
                case cpus, uptime
                case cpuPercent = "cpu_percent"
                case memRamKbyte = "mem_ram_kbyte"
                case memRamPercent = "mem_ram_percent"
                case memSwapKbyte = "mem_swap_kbyte"
                case memSwapPercent = "mem_swap_percent"
                case cpusOnline = "cpus_online"
                case load1m = "load_1m"
                case load5m = "load_5m"
                case load15m = "load_15m"
                case srsSampleTime = "srs_sample_time"
                case srsRecvBytes = "srs_recv_bytes"
                case srsSendBytes = "srs_send_bytes"
                case connSrs = "conn_srs"
            }
        }

        var ok: Bool
        var nowMs: Int64
        var process: Process
        var system: System

        enum CodingKeys: String, CodingKey {
            case ok, system
            case nowMs = "now_ms"
            case process = "self"
        }
    }

    func summaries() throws -> Response {
        let stats = processStatistics
        let traffic = clientRegistry.totalTraffic
        let now = Self.nowMilliseconds
        let data = Summaries(
            ok: stats.ok, nowMs: now,
            process: Summaries.Process(
                version: identity.version, pid: Int(getpid()), ppid: stats.parentPID, memKbyte: stats.memoryKiB,
                memPercent: stats.memoryPercent, cpuPercent: stats.cpuPercent, srsUptime: uptimeSeconds),
            system: Summaries.System(
                cpuPercent: stats.systemCPUPercent, memRamKbyte: stats.ramKiB, memRamPercent: stats.ramPercent,
                memSwapKbyte: stats.swapKiB, memSwapPercent: stats.swapPercent, cpus: stats.cpus,
                cpusOnline: stats.cpusOnline, uptime: stats.systemUptime, load1m: stats.load.one,
                load5m: stats.load.five, load15m: stats.load.fifteen, srsSampleTime: now,
                srsRecvBytes: traffic.received, srsSendBytes: traffic.sent, connSrs: clientRegistry.count))
        return try answer([("data", data)])
    }

    /// `GET /api/v1`: the endpoints (SRS `urls`).
    func index() throws -> Response {
        let urls: [String: String] = [
            "versions": "the version of the server",
            "summaries": "the summary (pid, uptime, cpu, memory, traffic, connections) of the server",
            "vhosts": "all vhosts, or one: /api/v1/vhosts/{id}",
            "streams": "all streams (?start=&count=), or one: /api/v1/streams/{id}",
            "clients": "all clients (?start=&count=), or one: /api/v1/clients/{id}; DELETE kicks it",
            "dvr": "the recordings of each stream",
            "upstreams": "the edge pulls and pushes and the forwards, with their server, state and traffic",
        ]
        return try answer([("urls", urls)])
    }
}
