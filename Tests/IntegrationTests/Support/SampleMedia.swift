import Foundation
import Media
import NIOCore
import RTMP
import Synchronization

/// The real H.264/AAC frames of `samples/sample.flv`, for publishers that need full control of the
/// wire (timestamps, chunk headers, dying mid-message) while HLS and DVR still get real media.
struct SampleMedia {
    struct Frame {
        var kind: MediaKind
        /// Milliseconds from the start of the publish.
        var time: Int64
        var data: ByteBuffer
        var isKeyframe: Bool { kind == .video && data.getInteger(at: data.readerIndex, as: UInt8.self).map { $0 >> 4 == 1 } == true }
        var type: RTMPMessageType {
            switch kind {
            case .audio: .audio
            case .video: .video
            case .data: .amf0Data
            }
        }
    }

    /// `onMetaData` and the two sequence headers, at time 0.
    let headers: [Frame]
    /// One pass of the file's frames, times from 0.
    let frames: [Frame]
    /// The length of one pass, milliseconds (the next pass starts this much later).
    let passLength: Int64

    init(path: String = Tools.sampleFLV) throws {
        var buffer = ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path)))
        var decoder = FLVTagDecoder()
        var headers: [Frame] = []
        var frames: [Frame] = []
        while let tag = try decoder.decode(buffer: &buffer) {
            let frame = Frame(kind: tag.kind, time: Int64(tag.timestamp), data: tag.data)
            let second = tag.data.getInteger(at: tag.data.readerIndex + 1, as: UInt8.self)
            let isHeader = tag.kind == .data || (tag.kind != .data && second == 0)
            if isHeader && frames.isEmpty { headers.append(Frame(kind: tag.kind, time: 0, data: tag.data)) } else if tag.kind != .data { frames.append(frame) }
        }
        guard headers.count == 3, let last = frames.last else { throw HarnessError("unexpected sample: \(headers.count) headers") }
        self.headers = headers
        self.frames = frames
        passLength = (last.time / 40 + 1) * 40
    }

    /// Frames of `duration` milliseconds, the file repeated, in time order.
    func frames(for duration: Int64) -> [Frame] {
        var result: [Frame] = []
        var pass: Int64 = 0
        while pass * passLength < duration {
            for var frame in frames {
                frame.time += pass * passLength
                guard frame.time < duration else { break }
                result.append(frame)
            }
            pass += 1
        }
        return result
    }

    /// How many video frames `frames(for:)` holds.
    func videoCount(for duration: Int64) -> Int { frames(for: duration).filter { $0.kind == .video }.count }
}

/// A publisher on a `TestRTMPClient` whose wire timestamps and chunk headers the test picks.
final class RawPublisher: @unchecked Sendable {
    let client: TestRTMPClient
    private(set) var writer: RawChunkWriter
    static let chunkSize = 4096

    init(port: Int, url: String, headers: RawChunkWriter.Headers) throws {
        client = try TestRTMPClient(port: port)
        try client.handshake()
        let streamID = try client.startSession(url, mode: .publish, chunkSize: UInt32(Self.chunkSize))
        writer = RawChunkWriter(headers: headers, chunkSize: Self.chunkSize, messageStreamID: streamID)
    }

    /// Sends `frame` with the wire timestamp `timestamp`.
    func send(_ frame: SampleMedia.Frame, timestamp: UInt32) throws {
        var out = ByteBuffer()
        writer.write(type: frame.type, timestamp: timestamp, payload: frame.data, to: &out)
        try client.write(out)
    }

    /// Sends only the first `bytes` bytes of the chunked `frame` (a publisher dying mid-message).
    func sendPart(of frame: SampleMedia.Frame, timestamp: UInt32, bytes: Int) throws {
        var out = ByteBuffer()
        writer.write(type: frame.type, timestamp: timestamp, payload: frame.data, to: &out)
        try client.write(out.getSlice(at: out.readerIndex, length: min(bytes, out.readableBytes))!)
    }
}

/// A `RawPublisher` that sends the sample, repeated, paced at `speed` × real time on a thread of its
/// own, with plain timestamps from 0; it counts what it sent.
final class PacedPublisher: @unchecked Sendable {
    private let publisher: RawPublisher
    private let lock = NSLock()
    private var video = 0
    private var failure: String?
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    init(port: Int, url: String, sample: SampleMedia, duration: Int64, speed: Double = 1) throws {
        publisher = try RawPublisher(port: port, url: url, headers: .delta)
        let frames = sample.frames(for: duration)
        let headers = sample.headers
        Thread.detachNewThread { [self] in
            defer { done.signal() }
            do {
                for header in headers { try publisher.send(header, timestamp: 0) }
                let start = Date()
                for frame in frames {
                    if stopping.load(ordering: .relaxed) { break }
                    let due = start.addingTimeInterval(Double(frame.time) / 1000 / speed)
                    if due > Date() { Thread.sleep(until: due) }
                    try publisher.send(frame, timestamp: UInt32(frame.time))
                    if frame.kind == .video { lock.withLock { video += 1 } }
                }
                try publisher.client.stopSession()
            } catch {
                lock.withLock { failure = "\(error)" }
            }
        }
    }

    /// Video frames sent so far.
    var sentVideo: Int { lock.withLock { video } }
    /// Why sending stopped early, if it did.
    var error: String? { lock.withLock { failure } }

    /// Waits for the last frame to go out (or `stop`); returns whether it did in time.
    @discardableResult
    func wait(timeout: Double) -> Bool {
        guard done.wait(timeout: .now() + timeout) == .success else { return false }
        done.signal()
        return true
    }

    /// Stops sending, waits for the thread and closes the connection.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        if done.wait(timeout: .now() + 5) == .success { done.signal() }  // later waits return at once
        publisher.client.close()
    }

    deinit { stop() }
}
