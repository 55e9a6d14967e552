import ArgumentParser
import Bench
import NIOCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `headwater-bench play|flv|publish URL ...`: load for a Headwater (or any RTMP/HTTP-FLV) server.
@main
struct HeadwaterBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "headwater-bench",
        abstract: "Load tool: many RTMP or HTTP-FLV players, or FLV-file publishers, with one summary line.",
        discussion: """
            Prints `second t=N key=value ...` once a second and, at the end, one line
            `summary mode= players= connected= failed= mbps= per_player_kbps_min= per_player_kbps_median=
            ttff_p50_ms= ttff_p99_ms= stalled= latency_p50_ms= latency_p99_ms= latency_samples= frames_sent=
            frames_received_min= frames_received_max= frame_diff_min= frame_diff_max= duration_s=`
            (`na` where there is no sample). Exit status 0 when every player connected, 1 otherwise.
            """,
        subcommands: [Play.self, FLV.self, HLS.self, Publish.self])
}

/// Options shared by every mode.
struct CommonOptions: ParsableArguments {
    @Option(help: "Seconds to run, from the first connection (a drain of 2 batches + 1 s follows).")
    var duration: Double = 10

    @Option(help: "Event loop threads (default: one per core).")
    var threads: Int = System.coreCount

    @Option(help: "Connect timeout in seconds.")
    var connectTimeout: Double = 5
}

/// Options of the player modes.
struct PlayerOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Players to start.")
    var players: Int = 1

    @Option(help: "Players started per second while ramping.")
    var rate: Double = 100

    @Option(help: "Once playing, read each socket every this many ms (0: as data arrives).")
    var batchMs: Int = 200

    @Option(help: "No media for this many ms while the publisher is live counts as a stall.")
    var stallMs: Int = 2000

    @Option(help: """
        RTMP: every Nth player parses every message (latency, frame counts); the others only count \
        bytes after their first video frame (time to first frame, bitrate and stalls for all). 1: all parse.
        """)
    var parseEvery: Int = 10

    @Option(help: "Also publish this FLV file from this process (gives latency and exact frame counts).")
    var publish: String?

    @Option(help: "RTMP URL for --publish (default: the play URL; required for flv).")
    var publishURL: String?
}

extension ParsableCommand {
    static func execute(_ configuration: BenchConfiguration) async throws {
        let report = try await BenchRunner(configuration: configuration).run { line in print(line) }
        print(report.summaryLine)
        if report.connected < report.players { throw ExitCode(1) }
    }
}

struct Play: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "N RTMP players of URL.")

    @Argument(help: "rtmp://host[:port]/app/stream")
    var url: String
    @OptionGroup var common: CommonOptions
    @OptionGroup var players: PlayerOptions

    func run() async throws {
        try await Self.execute(players.configuration(mode: .play, url: url, common: common))
    }
}

struct FLV: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "flv", abstract: "N HTTP-FLV players of URL.")

    @Argument(help: "http://host[:port]/app/stream.flv")
    var url: String
    @OptionGroup var common: CommonOptions
    @OptionGroup var players: PlayerOptions

    func validate() throws {
        if players.publish != nil && players.publishURL == nil {
            throw ValidationError("--publish in flv mode needs --publish-url rtmp://...")
        }
    }

    func run() async throws {
        try await Self.execute(players.configuration(mode: .flv, url: url, common: common))
    }
}

struct HLS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hls",
        abstract: "N HLS clients of a media playlist: poll every half target duration, fetch new segments.",
        discussion: "frames_received_* count segments; a stall is no new segment for 3 target durations.")

    @Argument(help: "http://host[:port]/app/stream.m3u8")
    var url: String
    @OptionGroup var common: CommonOptions
    @OptionGroup var players: PlayerOptions

    func validate() throws {
        if players.publish != nil && players.publishURL == nil {
            throw ValidationError("--publish in hls mode needs --publish-url rtmp://...")
        }
    }

    func run() async throws {
        try await Self.execute(players.configuration(mode: .hls, url: url, common: common))
    }
}

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish an FLV file in real time, looping with continuous timestamps.")

    @Argument(help: "rtmp://host[:port]/app/stream")
    var url: String
    @Option(help: "The FLV file.")
    var file: String
    @Option(help: "Publishers: 1 publishes URL, more publish URL_0 ... URL_{N-1}.")
    var streams: Int = 1
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Self.execute(
            BenchConfiguration(
                mode: .publish, url: url, players: streams, duration: common.duration, publishFile: file,
                streams: streams, connectTimeout: .milliseconds(Int64(common.connectTimeout * 1000)),
                threads: common.threads))
    }
}

extension PlayerOptions {
    func configuration(mode: BenchMode, url: String, common: CommonOptions) -> BenchConfiguration {
        BenchConfiguration(
            mode: mode, url: url, players: players, rate: rate, duration: common.duration,
            batchInterval: .milliseconds(Int64(max(batchMs, 0))), stallAfter: .milliseconds(Int64(max(stallMs, 1))),
            publishFile: publish, publishURL: publishURL,
            connectTimeout: .milliseconds(Int64(common.connectTimeout * 1000)), threads: common.threads,
            parseEvery: parseEvery)
    }
}
