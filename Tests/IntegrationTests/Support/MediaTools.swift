import Foundation

/// ffmpeg and ffprobe invocations the tests share.
enum MediaTools {
    static var ffmpeg: String { Tools.path(of: "ffmpeg") ?? "/usr/bin/ffmpeg" }
    static var ffprobe: String { Tools.path(of: "ffprobe") ?? "/usr/bin/ffprobe" }

    /// An encoder publishing a test pattern and tone in real time: H.264 + AAC, keyframe each second.
    static func publishTestSource(
        to url: String, seconds: Int, size: String = "320x240", rate: Int = 25, extra: [String] = []
    ) throws -> ChildProcess {
        try ChildProcess(
            ffmpeg,
            ["-nostdin", "-hide_banner", "-loglevel", "error", "-re",
             "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=\(rate)",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
             "-t", "\(seconds)", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
             "-g", "\(rate)", "-c:a", "aac", "-b:a", "64k"] + extra + ["-f", "flv", url],
            name: "ffmpeg-publish")
    }

    /// Republishes a file as is (`-c copy`), in real time.
    static func publishFile(_ path: String, to url: String) throws -> ChildProcess {
        try ChildProcess(
            ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-i", path, "-c", "copy", "-f", "flv", url],
            name: "ffmpeg-publish-file")
    }

    /// ffprobe reading a stream (or file) to its end and counting frames and packets per stream.
    static func probe(_ input: String) throws -> ChildProcess {
        try ChildProcess(
            ffprobe,
            ["-v", "error", "-count_frames", "-count_packets", "-show_entries",
             "stream=codec_type,codec_name,width,height,sample_rate,channels,nb_read_frames,nb_read_packets",
             "-of", "json", input],
            name: "ffprobe")
    }

    /// The streams of a finished `probe`, keyed by codec type ("video", "audio").
    static func streams(of probe: ChildProcess) throws -> [String: ProbedStream] {
        let text = probe.output
        guard let start = text.firstIndex(of: "{"),
            let json = try JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any],
            let streams = json["streams"] as? [[String: Any]]
        else { throw HarnessError("ffprobe printed no JSON:\n\(text)") }
        var result: [String: ProbedStream] = [:]
        for stream in streams {
            let probed = ProbedStream(stream)
            result[probed.type] = probed
        }
        return result
    }

    /// Waits until `path` exists or the deadline passes.
    static func waitFor(_ condition: () -> Bool, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }
}

struct ProbedStream: Equatable, CustomStringConvertible {
    var type: String
    var codec: String
    var width: Int?
    var height: Int?
    var sampleRate: Int?
    var channels: Int?
    var frames: Int
    var packets: Int

    init(_ json: [String: Any]) {
        type = json["codec_type"] as? String ?? "?"
        codec = json["codec_name"] as? String ?? "?"
        width = json["width"] as? Int
        height = json["height"] as? Int
        sampleRate = (json["sample_rate"] as? String).flatMap { Int($0) }
        channels = json["channels"] as? Int
        frames = (json["nb_read_frames"] as? String).flatMap { Int($0) } ?? 0
        packets = (json["nb_read_packets"] as? String).flatMap { Int($0) } ?? 0
    }

    var description: String {
        "\(type) \(codec) \(width.map { "\($0)" } ?? "-")x\(height.map { "\($0)" } ?? "-") frames=\(frames) packets=\(packets)"
    }
}
