import Ingest
import Logging
import ServiceLifecycle

/// Runs the RTMP listener as a lifecycle service: binds on start, closes every session on shutdown.
struct RTMPService: Service {
    let server: RTMPServer
    let addresses: [(host: String, port: Int)]

    func run() async throws {
        try await server.start(listening: addresses)
        try? await gracefulShutdown()
        await server.stop()
    }
}
