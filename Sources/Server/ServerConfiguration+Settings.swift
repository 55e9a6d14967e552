import Config
import Ingest
import Live
import NIOCore

extension ServerConfiguration {
    /// The RTMP service's view of this configuration.
    var rtmpSettings: RTMPServerSettings {
        var vhostSettings: [String: RTMPServerSettings.Vhost] = [:]
        for (name, vhost) in vhosts {
            vhostSettings[name] = RTMPServerSettings.Vhost(
                enabled: vhost.enabled,
                chunkSize: vhost.chunkSize ?? chunkSize,
                tcpNoDelay: vhost.tcpNoDelay,
                live: LiveStreamConfiguration(
                    gopCache: vhost.play.gopCache,
                    gopCacheMaxFrames: vhost.play.gopCacheMaxFrames,
                    gopCacheMaxBytes: vhost.play.gopCacheMaxBytes,
                    queueLength: vhost.play.queueLength.seconds,
                    timeJitter: Live.TimeJitter(rawValue: vhost.play.timeJitter.rawValue) ?? .full,
                    mergedWrites: vhost.minLatency
                        ? .off
                        : LiveMergedWrites(
                            latency: vhost.play.mwLatency.components.seconds * 1000
                                + vhost.play.mwLatency.components.attoseconds / 1_000_000_000_000_000,
                            messages: vhost.play.mwMessages)),
                firstPacketTimeout: vhost.publish.firstPacketTimeout.timeAmount,
                normalTimeout: vhost.publish.normalTimeout.timeAmount)
        }
        return RTMPServerSettings(
            maxConnections: maxConnections,
            handshakeTimeout: handshakeTimeout.timeAmount,
            maxMessageSize: rtmpMaxMessageSize,
            vhosts: vhostSettings,
            maxChunkStreams: limits.rtmpMaxChunkStreams,
            maxPendingBytes: limits.rtmpMaxPendingBytes)
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var timeAmount: TimeAmount {
        .nanoseconds(Int64(seconds * 1e9))
    }
}
