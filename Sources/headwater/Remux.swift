import ArgumentParser
import Foundation
import HLS

/// `headwater remux INPUT.flv --hls OUTDIR [--fragment SECONDS]`: an FLV file to a VOD HLS playlist.
struct Remux: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remux an FLV file (a DVR recording, say) into HLS: a VOD playlist and MPEG-TS segments.")

    @Argument(help: "The FLV file to read.")
    var input: String

    @Option(name: .customLong("hls"), help: "The folder to write the playlist and segments into.")
    var outputFolder: String

    @Option(help: "Target segment length in seconds; segments are cut on the first keyframe after it.")
    var fragment: Double = 10

    func validate() throws {
        guard fragment > 0, fragment <= 3600 else {
            throw ValidationError("--fragment must be between 0 and 3600 seconds")
        }
    }

    func run() throws {
        var remuxer = HLSFileRemuxer(fragment: Int64((fragment * 1000).rounded()))
        let started = Date()
        let terminal = isatty(STDERR_FILENO) == 1
        if terminal {
            remuxer.progress = { done, total in
                let percent = total > 0 ? Double(done) * 100 / Double(total) : 0
                let line = String(format: "\rremux: %5.1f%%  %d of %d MB", percent, done >> 20, total >> 20)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
        let summary: HLSFileRemuxer.Summary
        do {
            summary = try remuxer.run(input: input, outputFolder: outputFolder)
        } catch {
            if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
            FileHandle.standardError.write(Data("headwater: remux failed: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let seconds = Date().timeIntervalSince(started)
        print(
            String(
                format: "%@: %d segments, %.3f s of media, %d bytes in, %d bytes out, %.3f s",
                summary.playlistPath, summary.segments, Double(summary.duration) / 1000, summary.inputBytes,
                summary.outputBytes, seconds))
    }
}
