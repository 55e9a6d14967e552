/// The JSON shapes of SRS's HTTP API (`srs_app_statistic.cpp`, `srs_app_http_api.cpp`), field for field,
/// so tools written for SRS read Headwater's answers. Numbers SRS sends as integers are `Int`.
enum HTTPAPIModel {
    /// What every successful answer starts with: `code` 0 and the process identity.
    struct Answer: Encodable {
        var identity: HTTPAPIIdentity
        /// The answer's own fields, in order.
        var fields: [(key: String, value: any Encodable)]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(0, forKey: Key("code"))
            try container.encode(identity.server, forKey: Key("server"))
            try container.encode(identity.service, forKey: Key("service"))
            try container.encode(identity.pid, forKey: Key("pid"))
            for field in fields {
                try container.encode(field.value, forKey: Key(field.key))
            }
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct Kbps: Encodable, Hashable {
        var recv30s: Int
        var send30s: Int

        enum CodingKeys: String, CodingKey {
            case recv30s = "recv_30s"
            case send30s = "send_30s"
        }
    }

    struct Version: Encodable {
        var major: Int
        var minor: Int
        var revision: Int
        var version: String
    }

    struct Vhost: Encodable {
        struct HLS: Encodable {
            var enabled: Bool
            /// Seconds; absent when HLS is off (as SRS).
            var fragment: Double?
        }

        var id: String
        var name: String
        var enabled: Bool
        var clients: Int
        var streams: Int
        var sendBytes: Int
        var recvBytes: Int
        var kbps: Kbps
        var hls: HLS

        enum CodingKeys: String, CodingKey {
            case id, name, enabled, clients, streams, kbps, hls
            case sendBytes = "send_bytes"
            case recvBytes = "recv_bytes"
        }
    }

    struct Stream: Encodable {
        struct Publish: Encodable {
            var active: Bool
            /// The publisher's client id; absent when unknown (as SRS).
            var cid: String?
        }

        struct Video: Encodable {
            var codec: String
            var profile: String?
            var level: String?
            var width: Int
            var height: Int

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(codec, forKey: Key("codec"))
                // SRS sends null profile and level for codecs without them, not absent keys.
                try container.encode(profile, forKey: Key("profile"))
                try container.encode(level, forKey: Key("level"))
                try container.encode(width, forKey: Key("width"))
                try container.encode(height, forKey: Key("height"))
            }
        }

        struct Audio: Encodable {
            var codec: String
            var sampleRate: Int
            var channel: Int
            var profile: String

            enum CodingKeys: String, CodingKey {
                case codec, channel, profile
                case sampleRate = "sample_rate"
            }
        }

        var id: String
        var name: String
        var vhost: String
        var app: String
        var tcUrl: String
        var url: String
        var liveMs: Int64
        var clients: Int
        var frames: Int
        var sendBytes: Int
        var recvBytes: Int
        var kbps: Kbps
        var publish: Publish
        var video: Video?
        var audio: Audio?
        /// The stream's edge pull or push, when it has one (Headwater's own).
        var upstream: Upstream? = nil

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(id, forKey: Key("id"))
            try container.encode(name, forKey: Key("name"))
            try container.encode(vhost, forKey: Key("vhost"))
            try container.encode(app, forKey: Key("app"))
            try container.encode(tcUrl, forKey: Key("tcUrl"))
            try container.encode(url, forKey: Key("url"))
            try container.encode(liveMs, forKey: Key("live_ms"))
            try container.encode(clients, forKey: Key("clients"))
            try container.encode(frames, forKey: Key("frames"))
            try container.encode(sendBytes, forKey: Key("send_bytes"))
            try container.encode(recvBytes, forKey: Key("recv_bytes"))
            try container.encode(kbps, forKey: Key("kbps"))
            try container.encode(publish, forKey: Key("publish"))
            // SRS sends `null` while a track is unknown, not an absent key.
            try container.encode(video, forKey: Key("video"))
            try container.encode(audio, forKey: Key("audio"))
            try container.encodeIfPresent(upstream, forKey: Key("upstream"))
        }
    }

    struct Client: Encodable {
        var id: String
        var vhost: String
        var stream: String
        var ip: String
        var pageUrl: String
        var swfUrl: String
        var tcUrl: String
        var url: String
        var name: String
        var type: String
        var publish: Bool
        /// Seconds connected.
        var alive: Double
        var sendBytes: Int
        var recvBytes: Int
        var kbps: Kbps

        enum CodingKeys: String, CodingKey {
            case id, vhost, stream, ip, pageUrl, swfUrl, tcUrl, url, name, type, publish, alive, kbps
            case sendBytes = "send_bytes"
            case recvBytes = "recv_bytes"
        }
    }
}
