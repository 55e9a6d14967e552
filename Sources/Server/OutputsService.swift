import DVR
import HLS
import ServiceLifecycle

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
