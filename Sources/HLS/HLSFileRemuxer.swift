import Foundation
import Media
import NIOCore
import Remux

/// Turns an FLV file (a DVR recording, say) into a VOD playlist and segments with the live muxer and
/// segmenter, so both outputs cut and mux the same way.
///
/// This runs on the caller's thread with plain file I/O: it is for the `headwater remux` command, not for
/// event loops. The input is read in large chunks and tags are parsed in place; each TS byte is written once.
public struct HLSFileRemuxer {
    /// What a run produced.
    public struct Summary: Sendable {
        public var playlistPath: String
        public var segments: Int
        /// Milliseconds of media.
        public var duration: Int64
        public var inputBytes: Int
        public var outputBytes: Int
    }

    /// Why a run failed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public var fragment: Int64
    /// Called with bytes read so far and the input size, at most a few times a second.
    public var progress: ((Int, Int) -> Void)?

    static let readSize = 8 << 20
    static let writeSize = 1 << 20

    /// - Parameter fragment: Target segment length, milliseconds.
    public init(fragment: Int64 = 10_000) {
        self.fragment = fragment
    }

    /// Remuxes `input` into `outputFolder` as `NAME.m3u8` and `NAME-N.ts`, NAME being the input's base name.
    /// - Throws: `Failure` for unreadable input, a file that is not FLV, or an unwritable output folder.
    public func run(input: String, outputFolder: String) throws -> Summary {
        let name = ((input as NSString).lastPathComponent as NSString).deletingPathExtension
        let reader = Glibc.open(input, O_RDONLY | O_CLOEXEC)
        guard reader >= 0 else { throw Failure(description: "cannot open \(input): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(reader) }
        let size = (try? FileManager.default.attributesOfItem(atPath: input)[.size] as? Int) ?? 0
        do {
            try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create \(outputFolder): \(error.localizedDescription)")
        }

        var output = SegmentOutput(folder: outputFolder, name: name)
        var remuxer = TSRemuxer()
        var segmenter = HLSSegmenter(settings: .init(fragment: fragment), hasVideo: false)
        var buffer = ByteBuffer()
        var header: FLVHeader?
        var consumed = 0
        var lastReport = Date.distantPast
        var playlist = HLSPlaylist(targetDuration: Int((fragment + 999) / 1000), playlistType: .vod)

        func close(_ duration: Int64?) throws {
            guard let duration, output.isOpen else { return }
            remuxer.flush(into: &output.pending)
            let uri = try output.finish()
            playlist.segments.append(.init(uri: uri, duration: Double(duration) / 1000))
            playlist.targetDuration = max(playlist.targetDuration, Int((duration + 999) / 1000))
        }

        while true {
            buffer.discardReadBytes()
            let count = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.readSize) { raw in
                let count = read(reader, raw.baseAddress!, Self.readSize)
                guard count >= 0 else {
                    throw Failure(description: "cannot read \(input): \(String(cString: strerror(errno)))")
                }
                return count
            }
            let atEnd = count == 0
            consumed += count
            if header == nil {
                guard let decoded = try Self.flv({ try buffer.readFLVHeader() }) else {
                    if atEnd { throw Failure(description: "\(input) is not an FLV file") }
                    continue
                }
                header = decoded
                segmenter.hasVideo = decoded.hasVideo
            }
            while let tag = try Self.flv({ try buffer.readFLVTag() }) {
                guard tag.kind != .data else { continue }
                let flags = MediaPacket.Flags.classify(kind: tag.kind, payload: tag.data)
                // The muxer keeps audio frames (for one PES) and sequence headers past this call. Give it its own
                // copies of those small payloads: a slice would pin the 8 MiB read buffer, and every later read
                // would then need fresh memory instead of reusing it. Video payloads are used at once and stay slices.
                let retained = tag.kind == .audio || flags.contains(.sequenceHeader)
                let payload = retained ? ByteBuffer(buffer: tag.data) : tag.data
                let packet = MediaPacket(kind: tag.kind, timestamp: Int64(tag.timestamp), flags: flags, payload: payload)
                if packet.isSequenceHeader {
                    var unused = ByteBuffer()
                    if case .configurationChanged = try? remuxer.append(packet, into: &unused), segmenter.isOpen {
                        segmenter.markDiscontinuity()
                    }
                    if remuxer.tracks.video != nil { segmenter.hasVideo = true }
                    continue
                }
                let frame = HLSSegmenter.Frame(
                    track: packet.kind == .video ? .video : .audio, dts: packet.timestamp,
                    isKeyframe: packet.isKeyframe)
                switch segmenter.place(frame) {
                case .skip: continue
                case .append: break
                case .open:
                    try output.open()
                    remuxer.writeProgramTables(into: &output.pending)
                case .cut(let duration, _):
                    try close(duration)
                    try output.open()
                    remuxer.writeProgramTables(into: &output.pending)
                case .closeAndSkip(let duration):
                    try close(duration)
                    continue
                }
                _ = try? remuxer.append(packet, into: &output.pending)
                try output.spill(threshold: Self.writeSize)
            }
            if let progress, Date().timeIntervalSince(lastReport) > 0.2 {
                lastReport = Date()
                progress(consumed, size)
            }
            if atEnd { break }
        }
        try close(segmenter.close())
        playlist.ended = true
        let playlistPath = outputFolder + "/" + name + ".m3u8"
        try Self.write(Data(playlist.render().utf8), to: playlistPath)
        progress?(consumed, size)
        let duration = playlist.segments.reduce(0) { $0 + Int64(($1.duration * 1000).rounded()) }
        return Summary(
            playlistPath: playlistPath, segments: playlist.segments.count, duration: duration,
            inputBytes: consumed, outputBytes: output.totalBytes)
    }

    /// A truncated last tag (a recording cut by a crash) ends the input; other FLV errors are failures.
    private static func flv<T>(_ body: () throws -> T?) throws -> T? {
        do {
            return try body()
        } catch {
            throw Failure(description: "not a valid FLV file: \(error)")
        }
    }

    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path + ".tmp"))
        } catch {
            throw Failure(description: "cannot write \(path): \(error.localizedDescription)")
        }
        guard rename(path + ".tmp", path) == 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// The segment being written: bytes gather in `pending` and go to the file a megabyte at a time.
private struct SegmentOutput {
    let folder: String
    let name: String
    var pending = ByteBuffer()
    var sequence = 0
    var totalBytes = 0
    private var descriptor: CInt = -1
    private var path = ""

    init(folder: String, name: String) {
        self.folder = folder
        self.name = name
    }

    var isOpen: Bool { descriptor >= 0 }

    mutating func open() throws {
        path = "\(name)-\(sequence).ts"
        let full = folder + "/" + path + ".tmp"
        descriptor = Glibc.open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw HLSFileRemuxer.Failure(description: "cannot write \(full): \(String(cString: strerror(errno)))")
        }
        pending.clear()
    }

    mutating func spill(threshold: Int) throws {
        guard pending.readableBytes >= threshold else { return }
        try flush()
    }

    /// Writes what is pending, closes the file under its final name and returns its URI.
    mutating func finish() throws -> String {
        try flush()
        Glibc.close(descriptor)
        descriptor = -1
        let full = folder + "/" + path
        guard rename(full + ".tmp", full) == 0 else {
            throw HLSFileRemuxer.Failure(description: "cannot write \(full): \(String(cString: strerror(errno)))")
        }
        sequence += 1
        return path
    }

    private mutating func flush() throws {
        let count = pending.readableBytes
        do {
            try HLSFileWriter.writeAll(pending, to: descriptor, path: path)
        } catch {
            throw HLSFileRemuxer.Failure(description: "\(error)")
        }
        totalBytes += count
        pending.clear()
    }
}
