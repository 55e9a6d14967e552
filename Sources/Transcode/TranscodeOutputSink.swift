import Live
import Logging
import Media
import NIOCore

/// An engine's output publish, confined to one event loop: opened lazily with the first packets,
/// buffered (bounded) while it opens, reopened after a failure, finished with the engine.
/// Confined to `eventLoop` (checked); `Sendable` only so the loop's closures can carry it.
final class TranscodeOutputSink: @unchecked Sendable {
    /// Packets kept while the publish opens; beyond this the output restarts at a key frame.
    static let pendingLimit = 1_000
    static let reopenDelay = TimeAmount.seconds(2)

    let eventLoop: any EventLoop
    private let url: String
    private let outputs: any TranscodeOutputs
    private let logger: Logger
    private var publisher: (any LivePublishing)?
    private var isOpening = false
    private var isFinished = false
    private var pending: [MediaPacket] = []
    private var headers: [MediaKind: MediaPacket] = [:]
    private var waitsForKeyframe = false

    init(url: String, outputs: any TranscodeOutputs, eventLoop: any EventLoop, logger: Logger) {
        self.url = url
        self.outputs = outputs
        self.eventLoop = eventLoop
        self.logger = logger
    }

    func deliver(_ packets: [MediaPacket]) {
        eventLoop.preconditionInEventLoop()
        guard !isFinished else { return }
        for packet in packets where packet.isSequenceHeader { headers[packet.kind] = packet }
        if let publisher {
            for packet in packets { publisher.append(packet) }
            publisher.flush()
            return
        }
        for packet in packets {
            if waitsForKeyframe {
                guard packet.isKeyframe else { continue }
                waitsForKeyframe = false
                pending = Array(headers.values)
            }
            pending.append(packet)
        }
        if pending.count > Self.pendingLimit {
            pending.removeAll()
            waitsForKeyframe = true
        }
        open()
    }

    func finish() {
        eventLoop.preconditionInEventLoop()
        guard !isFinished else { return }
        isFinished = true
        pending.removeAll()
        publisher?.finish()
        publisher = nil
    }

    private func open() {
        eventLoop.preconditionInEventLoop()
        guard !isOpening, !isFinished, publisher == nil else { return }
        isOpening = true
        outputs.publish(url: url, on: eventLoop).hop(to: eventLoop).whenComplete { result in
            self.isOpening = false
            switch result {
            case .success(let output):
                guard !self.isFinished else {
                    output.publisher.finish()
                    return
                }
                self.publisher = output.publisher
                let pending = self.pending
                self.pending = []
                for packet in pending { output.publisher.append(packet) }
                output.publisher.flush()
            case .failure(let error):
                self.logger.warning(
                    "transcode output failed to open", metadata: ["transcode.output": "\(self.url)", "error": "\(error)"])
                self.eventLoop.scheduleTask(in: Self.reopenDelay) { self.open() }
            }
        }
    }
}
