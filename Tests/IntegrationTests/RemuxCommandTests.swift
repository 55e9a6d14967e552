import Foundation
import Testing

/// `headwater remux FILE.flv --hls DIR`: a VOD playlist that plays as long as the input.
@Suite("remux command", .serialized, .integration, .timeLimit(.minutes(2)))
struct RemuxCommandTests {
    static func duration(of input: String) throws -> Double {
        let run = try ChildProcess.run(
            MediaTools.ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", input])
        return try #require(Double(run.output.trimmingCharacters(in: .whitespacesAndNewlines)), "\(run.output)")
    }

    @Test("the VOD playlist plays and lasts as long as the FLV, within one frame")
    func remuxedFilePlays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hw-remux-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ChildProcess.run(Tools.headwaterBinary, ["remux", Tools.sampleFLV, "--hls", folder, "--fragment", "2"])
        #expect(run.code == 0, "\(run.output)")
        let playlistPath = folder + "/sample.m3u8"
        let text = PlaylistText(try String(contentsOfFile: playlistPath, encoding: .utf8))
        #expect(text.playlistType == "VOD")
        #expect(text.ended)
        #expect(text.entries.count >= 2)
        #expect(text.entries.allSatisfy { Double(text.targetDuration ?? 0) >= $0.duration })

        let decode = try ChildProcess.run(MediaTools.ffmpeg, ["-nostdin", "-v", "error", "-i", playlistPath, "-f", "null", "-"])
        #expect(decode.code == 0 && decode.output.isEmpty, "\(decode.output)")
        let input = try Self.duration(of: Tools.sampleFLV)
        let output = try Self.duration(of: playlistPath)
        let listed = text.entries.reduce(0) { $0 + $1.duration }
        #expect(abs(output - input) <= 0.05, "input \(input) s, output \(output) s")
        #expect(abs(listed - input) <= 0.05, "input \(input) s, playlist lists \(listed) s")
    }

    @Test("a file that is not FLV fails with a clear message")
    func notFLV() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hw-remux-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bogus = folder + ".txt"
        try "hello".write(toFile: bogus, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: bogus) }
        let run = try ChildProcess.run(Tools.headwaterBinary, ["remux", bogus, "--hls", folder])
        #expect(run.code != 0)
        #expect(run.output.contains("not an FLV file") || run.output.contains("not a valid FLV"), "\(run.output)")
    }
}
