import DVR
import HLS
import Config
import ServiceLifecycle
import Transcode

/// Keeps the file outputs (HLS and DVR) running; on shutdown closes their open files and waits until
/// everything is on disk, so a SIGTERM during a publish leaves complete segments and recordings.
struct OutputsService: Service {
    let hls: HLSController
    let dvr: DVRController

    func run() async throws {
        try? await gracefulShutdown()
        async let hlsDone: Void = hls.shutdown()
        async let dvrDone: Void = dvr.shutdown()
        _ = await (hlsDone, dvrDone)
    }
}

/// Runs the ingests from start-up, and on shutdown stops every ingest and transcode engine (their threads
/// are joined, bounded) after the RTMP sessions ended.
struct EnginesService: Service {
    let transcodes: TranscodeController
    let ingests: IngestController
    let configuration: ServerConfiguration

    func run() async throws {
        ingests.start(configuration)
        try? await gracefulShutdown()
        async let ingestsDone: Void = ingests.shutdown()
        async let transcodesDone: Void = transcodes.shutdown()
        _ = await (ingestsDone, transcodesDone)
    }
}
