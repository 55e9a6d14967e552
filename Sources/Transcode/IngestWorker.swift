import CLibAV
import Config
import Logging
import Media
import Metrics
import NIOCore

/// The body of an ingest's thread: open the input, packetize, pace (files), transcode or copy, publish;
/// loop a file at its end and reconnect a stream with backoff. Touched only by that thread.
final class IngestWorker {
    /// Packets handed to the output at once when nothing else (pacing) flushes sooner.
    static let batchSize = 32
    static let restartsLabel = "headwater_ingest_restarts_total"

    private let session: IngestSession
    private let output: IngestOutput
    private var timeline = IngestTimeline()
    private var pacer = IngestPacer()
    private var backoff = IngestBackoff()
    private var pipeline: TranscodePipeline?
    private var batch: [MediaPacket] = []
    private var sentHeaders: [MediaKind: ByteBuffer] = [:]
    private let restarts: Counter

    init(session: IngestSession) {
        self.session = session
        self.output = IngestOutput(session: session)
        self.restarts = Counter(label: Self.restartsLabel, dimensions: [("ingest", session.plan.ingest.id)])
        batch.reserveCapacity(Self.batchSize)
    }

    private var plan: IngestSession.Plan { session.plan }
    private var logger: Logger { session.logger }
    private var isFile: Bool { plan.ingest.inputType == .file }

    func run() {
        logger.info(
            "ingest starting",
            metadata: ["ingest.input": "\(plan.ingest.inputURL)", "ingest.output": "\(plan.outputURL)"])
        while !session.isStopped {
            session.update { $0.state = .connecting }
            let openedAt = IngestSession.now()
            let reason: String
            do {
                try readInput()
                reason = "end of input"
            } catch {
                reason = error.description
            }
            flush()
            if session.isStopped { break }
            let uptime = Duration.nanoseconds(Int64(IngestSession.now() - openedAt))
            let delay = backoff.delay(afterRunningFor: uptime)
            restarts.increment()
            session.update {
                $0.state = .backoff
                $0.restarts += 1
                $0.lastError = reason
            }
            logger.warning(
                "ingest input dropped, reconnecting",
                metadata: ["ingest.input": "\(plan.ingest.inputURL)", "error": "\(reason)", "retry.in": "\(delay)"])
            if session.sleep(delay) { break }
        }
        output.finish()
        logger.info("ingest stopped")
    }

    /// Reads one opening of the input until it ends (a stream), fails, or the session stops.
    private func readInput() throws(LibAVError) {
        let input = try MediaInput(url: plan.ingest.inputURL, isNetwork: !isFile, interrupt: session.interrupt)
        var streams: [MediaInput.Stream] = []
        if let video = input.video, !plan.dropsVideo { streams.append(video) }
        if let audio = input.audio, !plan.dropsAudio { streams.append(audio) }
        guard !streams.isEmpty else {
            throw LibAVError(operation: "ingest \(plan.ingest.inputURL)", message: "no track left to publish")
        }
        let inputs = streams.map { FLVPacketizer.Input(parameters: $0.parameters, timeBase: $0.timeBase) }
        // libav's FLV muxer refuses timestamps that go back: each pass over a file gets its own packetizer.
        var packetizer = try FLVPacketizer(inputs: inputs)
        if pipeline == nil, !plan.isCopy { pipeline = try TranscodePipeline(engine: plan.engine) }
        // Libav stream index → packetizer input index.
        var positions: [Int: Int] = [:]
        for (position, stream) in streams.enumerated() { positions[stream.index] = position }

        var allocated = av_packet_alloc()
        defer { av_packet_free(&allocated) }
        guard let packet = allocated else {
            throw LibAVError(operation: "av_packet_alloc", message: "out of memory")
        }
        timeline.startSegment()
        session.update { $0.state = .active }
        var segmentPackets = 0
        while !session.isStopped {
            guard try input.read(into: packet) else {
                guard isFile else { return }
                // A file loops; one that gave nothing would spin.
                guard segmentPackets > 0 else {
                    throw LibAVError(operation: "ingest \(plan.ingest.inputURL)", message: "no packets to loop")
                }
                try input.rewind()
                packetizer = try FLVPacketizer(inputs: inputs)
                timeline.startSegment()
                segmentPackets = 0
                continue
            }
            let position = positions[Int(packet.pointee.stream_index)]
            let packets: [MediaPacket]
            if let position {
                do {
                    packets = try packetizer.packetize(packet, stream: position)
                } catch {
                    av_packet_unref(packet)
                    throw error
                }
            } else {
                packets = []
            }
            av_packet_unref(packet)
            for media in packets {
                segmentPackets += 1
                if media.isSequenceHeader {
                    // A new packetizer or connection repeats them; players need them only when they change.
                    guard sentHeaders[media.kind] != media.payload else { continue }
                    sentHeaders[media.kind] = media.payload
                }
                let mapped = timeline.map(media)
                if isFile, !mapped.isSequenceHeader { pace(mapped.timestamp) }
                if session.isStopped { return }
                try publish(mapped)
            }
            // A live input's reads wait on the network: what one read gave goes out at once.
            if !isFile { flush() }
        }
    }

    /// Waits until `timestamp` is due, sending what is batched first.
    private func pace(_ timestamp: Int64) {
        let wait = pacer.delay(for: timestamp, now: IngestSession.now())
        guard wait > 0 else { return }
        flush()
        _ = session.sleep(.nanoseconds(Int64(wait)))
    }

    private func publish(_ packet: MediaPacket) throws(LibAVError) {
        if let pipeline {
            batch.append(contentsOf: try pipeline.process(packet))
        } else {
            batch.append(packet)
        }
        if batch.count >= Self.batchSize { flush() }
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        output.deliver(batch)
        batch.removeAll(keepingCapacity: true)
    }
}
