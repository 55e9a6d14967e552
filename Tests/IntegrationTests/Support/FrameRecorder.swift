import Foundation
import NIOCore
import RTMP
import Synchronization

/// An RTMP player on its own thread that records the type and timestamp of every media message
/// it receives, until it is stopped, the server closes it, or `duration` passes.
final class FrameRecorder: @unchecked Sendable {
    struct Received: Equatable {
        var isVideo: Bool
        var timestamp: UInt32
        var size: Int
        /// A sequence header (AVC/AAC packet type 0), not a frame.
        var isHeader: Bool
    }

    private let lock = NSLock()
    private var received: [Received] = []
    private var closedByServer = false
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    /// Connects and waits for Play.Start on the calling thread, then reads on a thread of its own.
    init(port: Int, url: String, duration: Double = 30) throws {
        let client = try TestRTMPClient(port: port)
        try client.handshake()
        try client.startSession(url, mode: .play)
        let box = UncheckedBox(client)
        Thread.detachNewThread { [self] in
            let deadline = Date().addingTimeInterval(duration)
            while !stopping.load(ordering: .relaxed), Date() < deadline {
                do {
                    guard let message = try box.value.nextMessage(until: min(deadline, Date().addingTimeInterval(0.2))) else { continue }
                    guard message.type == .video || message.type == .audio else { continue }
                    let payload = message.payload
                    let entry = Received(
                        isVideo: message.type == .video, timestamp: message.timestamp, size: payload.readableBytes,
                        isHeader: payload.getInteger(at: payload.readerIndex + 1, as: UInt8.self) == 0)
                    lock.withLock { received.append(entry) }
                } catch {
                    lock.withLock { closedByServer = true }
                    break
                }
            }
            box.value.close()
            done.signal()
        }
    }

    /// Stops reading and waits for the thread to end.
    func stop() {
        stopping.store(true, ordering: .relaxed)
        if done.wait(timeout: .now() + 5) == .success { done.signal() }  // later waits return at once
    }

    /// Audio and video frames, without sequence headers.
    var frames: [Received] { lock.withLock { received }.filter { !$0.isHeader } }
    var video: [Received] { frames.filter(\.isVideo) }
    var audio: [Received] { frames.filter { !$0.isVideo } }
    var wasClosedByServer: Bool { lock.withLock { closedByServer } }

    deinit { stop() }
}

struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
