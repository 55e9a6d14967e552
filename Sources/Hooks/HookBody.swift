public import Config
public import Sessions

/// One value of a callback body.
public enum HookValue: Sendable, Hashable {
    case string(String)
    case integer(Int)
    case number(Double)
}

/// The JSON object POSTed to a callback, with SRS's field names in SRS's order
/// (srs_app_http_hooks.cpp). Rendered by hand: a flat object of strings and numbers needs no
/// encoder, and every string is escaped (RFC 8259 §7), so client-chosen names cannot break out.
public struct HookBody: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: HookValue

        public init(_ name: String, _ value: HookValue) {
            self.name = name
            self.value = value
        }
    }

    public var fields: [Field]

    public init(fields: [Field]) {
        self.fields = fields
    }

    /// The value of `name`, if present.
    public subscript(name: String) -> HookValue? {
        fields.first { $0.name == name }?.value
    }

    /// Who sends the callbacks: SRS's `server_id` (one per process) and `service_id` (one per run).
    public struct Origin: Sendable, Hashable {
        public var serverID: String
        public var serviceID: String
        /// The server's working folder, SRS `cwd` (on_dvr, on_hls: relative paths are relative to it).
        public var workingDirectory: String

        public init(serverID: String, serviceID: String, workingDirectory: String) {
            self.serverID = serverID
            self.serviceID = serviceID
            self.workingDirectory = workingDirectory
        }
    }

    /// The body SRS sends for `hook` about `client`, followed by `extras` (on_dvr's `file`, on_hls's `seq_no`…).
    public static func make(
        _ hook: HTTPHooksConfiguration.Hook, client: ClientSessionSnapshot, origin: Origin, extras: [Field] = []
    ) -> HookBody {
        let info = client.info
        var fields: [Field] = [
            Field("server_id", .string(origin.serverID)),
            Field("service_id", .string(origin.serviceID)),
            Field("action", .string(hook.rawValue)),
            Field("client_id", .string(String(client.id))),
            Field("ip", .string(info.ip)),
            Field("vhost", .string(info.vhost)),
            Field("app", .string(info.app)),
        ]
        switch hook {
        case .onConnect:
            fields += [Field("tcUrl", .string(info.tcUrl)), Field("pageUrl", .string(info.pageUrl))]
        case .onClose:
            fields += [Field("send_bytes", .integer(client.sentBytes)), Field("recv_bytes", .integer(client.receivedBytes))]
        case .onPublish, .onUnpublish, .onPlay, .onStop, .onDVR, .onHLS:
            let streamURL = Self.streamURL(vhost: info.vhost, app: info.app, stream: info.stream)
            fields += [
                Field("tcUrl", .string(info.tcUrl)),
                Field("stream", .string(info.stream)),
                Field("param", .string(info.param)),
                Field("stream_url", .string(streamURL)),
                Field("stream_id", .string(Self.streamID(streamURL))),
            ]
            if hook == .onPlay || hook == .onStop { fields.append(Field("pageUrl", .string(info.pageUrl))) }
            if hook == .onDVR || hook == .onHLS { fields.append(Field("cwd", .string(origin.workingDirectory))) }
        }
        return HookBody(fields: fields + extras)
    }

    /// SRS `srs_generate_stream_url`: `/app/stream`, prefixed by the vhost unless it is the default one.
    static func streamURL(vhost: String, app: String, stream: String) -> String {
        let prefix = vhost == VhostConfiguration.defaultName || vhost.isEmpty ? "" : vhost
        return "\(prefix)/\(app)/\(stream)"
    }

    /// A stable id per stream URL (SRS reports its statistics id, `vid-…`; ours is an FNV-1a hash,
    /// the same for every callback and every run).
    static func streamID(_ streamURL: String) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in streamURL.utf8 {
            hash = (hash ^ UInt32(byte)) &* 0x0100_0193
        }
        let hex = String(hash, radix: 16)
        return "vid-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// The compact JSON text.
    public var json: String {
        var out = "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { out += "," }
            Self.appendString(field.name, to: &out)
            out += ":"
            switch field.value {
            case .string(let text): Self.appendString(text, to: &out)
            case .integer(let value): out += String(value)
            // JSON has no NaN or infinity.
            case .number(let value): out += value.isFinite ? String(value) : "0"
            }
        }
        return out + "}"
    }

    private static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // Other control characters, and the line separators JavaScript parsers choke on.
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
