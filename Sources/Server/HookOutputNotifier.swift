import Config
import DVR
import HLS
import Hooks
import Live
import Sessions

/// Turns finished DVR files and HLS segments into `on_dvr` and `on_hls` callbacks, about the
/// stream's publisher (its `client_id`, `ip`, `tcUrl`) when it is still connected.
final class HookOutputNotifier: DVRObserver, HLSObserver {
    private let policy: HooksPolicy
    private let clients: ClientRegistry

    init(policy: HooksPolicy, clients: ClientRegistry) {
        self.policy = policy
        self.clients = clients
    }

    func dvrDidFinishRecording(_ recording: DVRRecording) {
        policy.notify(.onDVR, client: publisher(of: recording.key), extras: [.init("file", .string(recording.path))])
    }

    func hlsDidWriteSegment(_ segment: HLSSegmentRecord) {
        let seconds = Double(segment.duration.components.seconds)
            + Double(segment.duration.components.attoseconds) / 1e18
        policy.notify(
            .onHLS, client: publisher(of: segment.key),
            extras: [
                .init("duration", .number(seconds)),
                .init("file", .string(segment.path)),
                .init("url", .string(segment.url)),
                .init("m3u8", .string(segment.playlistPath)),
                .init("m3u8_url", .string(segment.playlistURL)),
                .init("seq_no", .integer(segment.sequence)),
            ])
    }

    /// The publisher's registry entry, or a stand-in naming only the stream once it left.
    private func publisher(of key: StreamKey) -> ClientSessionSnapshot {
        if let session = clients.sessions.first(where: { $0.info.kind.isPublisher && $0.info.streamKey == key }) {
            return session.snapshot
        }
        return ClientSessionSnapshot(
            id: 0, info: ClientInfo(kind: .rtmpPublisher, ip: "", vhost: key.vhost, app: key.app, stream: key.stream))
    }
}
