import Foundation

/// A media playlist as a test reads it: the tags it checks, in order.
struct PlaylistText {
    struct Entry {
        var uri: String
        var duration: Double
        var discontinuity: Bool
        var programDateTime: String?
    }

    var targetDuration: Int?
    var mediaSequence: Int?
    var discontinuitySequence = 0
    var ended = false
    var entries: [Entry] = []
    var playlistType: String?

    init(_ text: String) {
        var pendingDuration: Double?
        var discontinuity = false
        var date: String?
        for line in text.split(whereSeparator: \.isNewline).map(String.init) {
            if let value = line.value(after: "#EXT-X-TARGETDURATION:") {
                targetDuration = Int(value)
            } else if let value = line.value(after: "#EXT-X-MEDIA-SEQUENCE:") {
                mediaSequence = Int(value)
            } else if let value = line.value(after: "#EXT-X-DISCONTINUITY-SEQUENCE:") {
                discontinuitySequence = Int(value) ?? 0
            } else if let value = line.value(after: "#EXT-X-PLAYLIST-TYPE:") {
                playlistType = value
            } else if line == "#EXT-X-DISCONTINUITY" {
                discontinuity = true
            } else if let value = line.value(after: "#EXT-X-PROGRAM-DATE-TIME:") {
                date = value
            } else if let value = line.value(after: "#EXTINF:") {
                pendingDuration = Double(value.split(separator: ",").first ?? "")
            } else if line == "#EXT-X-ENDLIST" {
                ended = true
            } else if !line.hasPrefix("#"), let duration = pendingDuration {
                entries.append(Entry(uri: line, duration: duration, discontinuity: discontinuity, programDateTime: date))
                pendingDuration = nil
                discontinuity = false
                date = nil
            }
        }
    }
}

extension String {
    fileprivate func value(after prefix: String) -> String? {
        hasPrefix(prefix) ? String(dropFirst(prefix.count)) : nil
    }
}

/// Packet timing of one file, from `ffprobe -show_packets`.
struct ProbedPackets {
    struct Packet {
        var type: String
        var pts: Double
        var dts: Double
        var duration: Double
        var keyframe: Bool
    }

    var packets: [Packet] = []
    var errors: String

    /// - Parameter options: input options, e.g. `-live_start_index 0 -read_intervals %+5` for a live playlist,
    ///   which ffprobe would otherwise follow for as long as it is live.
    init(_ input: String, options: [String] = []) throws {
        let run = try ChildProcess.run(
            MediaTools.ffprobe,
            ["-v", "error", "-show_entries", "packet=codec_type,pts_time,dts_time,duration_time,flags", "-of", "json"]
                + options + [input],
            timeout: 30)
        let text = run.output
        guard let start = text.firstIndex(of: "{") else { throw HarnessError("ffprobe printed no JSON: \(text)") }
        errors = String(text[..<start]).trimmingCharacters(in: .whitespacesAndNewlines)
        let json = try JSONSerialization.jsonObject(with: Data(text[start...].utf8)) as? [String: Any]
        for entry in json?["packets"] as? [[String: Any]] ?? [] {
            packets.append(
                Packet(
                    type: entry["codec_type"] as? String ?? "?",
                    pts: Double(entry["pts_time"] as? String ?? "") ?? .nan,
                    dts: Double(entry["dts_time"] as? String ?? "") ?? .nan,
                    duration: Double(entry["duration_time"] as? String ?? "") ?? 0,
                    keyframe: (entry["flags"] as? String ?? "").hasPrefix("K")))
        }
    }

    func of(_ type: String) -> [Packet] { packets.filter { $0.type == type } }
}
