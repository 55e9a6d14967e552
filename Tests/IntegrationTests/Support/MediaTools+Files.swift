import Foundation
import Media
import NIOCore

/// ffmpeg/ffprobe helpers for test patterns, generated files and packet counts.
extension MediaTools {
    /// An endless `-re` test pattern (H.264, and AAC when `audio`) published to `url`.
    static func publishTestPattern(
        to url: String, audio: Bool = false, seconds: Double? = nil, name: String = "publisher"
    ) throws -> ChildProcess {
        var arguments = ["-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25"]
        if audio { arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"] }
        if let seconds { arguments += ["-t", "\(seconds)"] }
        arguments += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25"]
        if audio { arguments += ["-c:a", "aac"] }
        arguments += ["-f", "flv", url]
        return try ChildProcess(try Tools.require("ffmpeg"), arguments, name: name)
    }

    /// Writes an FLV file of `frames` H.264 frames (25 fps, keyframe every second) plus AAC audio.
    /// - Parameter quantizer: x264's constant QP; low values make frames large.
    static func makeFLV(at path: String, frames: Int, size: String = "160x120", quantizer: Int? = nil) throws {
        let (code, output) = try ChildProcess.run(
            try Tools.require("ffmpeg"),
            [
                "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=25",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-frames:v", "\(frames)",
                "-t", "\(Double(frames) / 25)", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25",
            ] + (quantizer.map { ["-qp", "\($0)"] } ?? []) + ["-c:a", "aac", "-f", "flv", path], timeout: 60)
        guard code == 0 else { throw HarnessError("ffmpeg could not make \(path):\n\(output)") }
    }

    /// Packet counts per codec name (`h264`, `aac`, ...) in a media file or URL, read by ffprobe.
    static func packetCounts(of input: String, timeout: Double = 30) throws -> [String: Int] {
        let (code, output) = try ChildProcess.run(
            try Tools.require("ffprobe"),
            [
                "-v", "error", "-count_packets", "-show_entries", "stream=codec_name,nb_read_packets", "-of", "csv=p=0",
                input,
            ], timeout: timeout)
        guard code == 0 else { throw HarnessError("ffprobe failed on \(input):\n\(output)") }
        var counts: [String: Int] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, let count = Int(fields[1]) else { continue }
            counts[fields[0], default: 0] += count
        }
        return counts
    }

    /// The audio and video tags of an FLV file, in file order.
    static func readTags(of path: String) throws -> [FLVTag] {
        var buffer = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
        var decoder = FLVTagDecoder()
        var tags: [FLVTag] = []
        while let tag = try decoder.decode(buffer: &buffer) {
            if tag.kind != .data { tags.append(tag) }
        }
        return tags
    }
}

extension Tools {
    /// The path of a tool on PATH, or an error naming it.
    static func require(_ tool: String) throws -> String {
        guard let path = path(of: tool) else { throw HarnessError("\(tool) is not on PATH") }
        return path
    }

    /// Whether every GStreamer element in `elements` is installed.
    static func hasGStreamer(_ elements: [String]) -> Bool {
        guard let inspect = path(of: "gst-inspect-1.0"), path(of: "gst-launch-1.0") != nil else { return false }
        return elements.allSatisfy { element in
            (try? ChildProcess.run(inspect, ["--exists", element], timeout: 20).code) == 0
        }
    }

    /// The H.264 encoder element GStreamer has: x264enc (gst-plugins-ugly) or openh264enc.
    static let gstreamerH264Encoder: String? = {
        if hasGStreamer(["x264enc"]) { return "x264enc tune=zerolatency key-int-max=25" }
        if hasGStreamer(["openh264enc"]) { return "openh264enc gop-size=25" }
        return nil
    }()
}
