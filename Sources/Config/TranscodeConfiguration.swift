/// One `transcode [app|app/stream] { }` block of a vhost (SRS's shape): which streams it applies to and the
/// engines that make a rendition of each. Headwater runs the engines in-process with libav.
public struct TranscodeConfiguration: Sendable, Hashable {
    /// `""` (every stream of the vhost), `app`, or `app/stream`.
    public var scope: String
    /// Whether the block applies (SRS default off).
    public var enabled = false
    public var engines: [TranscodeEngineConfiguration] = []
    /// Where the block starts, for messages.
    public var location: SourceLocation

    public init(scope: String = "", location: SourceLocation) {
        self.scope = scope
        self.location = location
    }

    /// Whether a stream published as `app`/`stream` is transcoded by this block.
    public func applies(app: String, stream: String) -> Bool {
        guard enabled else { return false }
        if scope.isEmpty { return true }
        guard let slash = scope.firstIndex(of: "/") else { return scope == app }
        return scope[..<slash] == app && scope[scope.index(after: slash)...] == stream
    }

    /// The engines that run.
    public var activeEngines: [TranscodeEngineConfiguration] {
        enabled ? engines.filter(\.enabled) : []
    }
}

/// One `engine NAME { }`: what a rendition is made of, in libav's codec and option names.
public struct TranscodeEngineConfiguration: Sendable, Hashable {
    /// What happens to one track.
    public enum Codec: Sendable, Hashable, CustomStringConvertible {
        /// Passed through as it is (`copy`).
        case copy
        /// Left out (`vn` / `an`).
        case drop
        /// Encoded with the libav encoder of this name (`libx264`, `aac`, `h264_nvenc`…).
        case encode(String)

        public var description: String {
            switch self {
            case .copy: return "copy"
            case .drop: return "drop"
            case .encode(let name): return name
            }
        }
    }

    /// An option handed to the encoder as it is written (`vparams { bf 0; }`): libav's name and value.
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String
        public var location: SourceLocation

        public init(name: String, value: String, location: SourceLocation) {
            self.name = name
            self.value = value
            self.location = location
        }
    }

    /// The engine's name, the `[engine]` of its output (SRS allows an unnamed engine in `ingest`).
    public var name: String
    /// SRS default off: an engine runs only with `enabled on;`.
    public var enabled = false

    public var videoCodec: Codec = .copy
    /// Kilobits per second (`vbitrate`); `nil` leaves the encoder's default.
    public var videoBitrate: Int?
    /// Frames per second (`vfps`); `nil` (or 0) keeps the source's rate.
    public var videoFPS: Double?
    /// Picture size (`vwidth`, `vheight`); when one is missing it follows the source's aspect ratio.
    public var videoWidth: Int?
    public var videoHeight: Int?
    /// Encoder threads (`vthreads`); `nil` lets libav choose.
    public var videoThreads: Int?
    /// `vprofile` and `vpreset`, as the encoder names them (x264: `baseline`/`main`/`high`, `veryfast`…).
    public var videoProfile: String?
    public var videoPreset: String?
    public var videoParameters: [Parameter] = []

    public var audioCodec: Codec = .copy
    /// Kilobits per second (`abitrate`).
    public var audioBitrate: Int?
    /// Hertz (`asample_rate`); `nil` keeps the source's.
    public var audioSampleRate: Int?
    /// `achannels`; `nil` keeps the source's.
    public var audioChannels: Int?
    public var audioParameters: [Parameter] = []

    /// The output URL template (`output`): `[vhost] [port] [app] [stream] [engine] [param]` are replaced.
    public var output: String = ""

    /// Where each setting was written, so a codec or option libav refuses is reported at its line.
    public var location: SourceLocation
    public var videoCodecLocation: SourceLocation?
    public var audioCodecLocation: SourceLocation?
    public var videoProfileLocation: SourceLocation?
    public var videoPresetLocation: SourceLocation?
    public var outputLocation: SourceLocation?

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }

    public static let bitrateRange = 1...1_000_000
    public static let dimensionRange = 16...8192
    public static let fpsRange = 1.0...240.0
    public static let threadsRange = 0...64
    public static let sampleRateRange = 8000...192_000
    public static let channelsRange = 1...8

    /// The output URL for one stream: the template with its variables replaced.
    ///
    /// - Parameter parameters: the publish's query string without `?` (`[param]`), empty when none.
    public func outputURL(vhost: String, port: Int, app: String, stream: String, parameters: String = "") -> String {
        Self.expand(output, vhost: vhost, port: port, app: app, stream: stream, engine: name, parameters: parameters)
    }

    static func expand(
        _ template: String, vhost: String, port: Int, app: String, stream: String, engine: String, parameters: String
    ) -> String {
        template
            .replacingEvery("[vhost]", with: vhost)
            .replacingEvery("[port]", with: String(port))
            .replacingEvery("[app]", with: app)
            .replacingEvery("[stream]", with: stream)
            .replacingEvery("[engine]", with: engine)
            .replacingEvery("[param]", with: parameters)
    }
}

/// One `ingest ID { }` block: an input libav opens, published through its engines as live streams.
public struct IngestConfiguration: Sendable, Hashable {
    public enum InputType: String, Sendable, Hashable, CaseIterable {
        /// A local file, read in real time and looped (SRS `file`).
        case file
        /// Any URL libav opens (RTMP, RTSP, HTTP, SRT, HLS), reconnected when it drops (SRS `stream`).
        case stream
    }

    /// The ingest's id (SRS: `ingest livestream { }`), used in logs and metrics.
    public var id: String
    /// SRS default off.
    public var enabled = false
    public var inputType: InputType = .file
    public var inputURL: String = ""
    /// The engines; each publishes one output. An engine with `enabled off` copies both tracks (SRS).
    public var engines: [TranscodeEngineConfiguration] = []
    public var location: SourceLocation

    public init(id: String, location: SourceLocation) {
        self.id = id
        self.location = location
    }
}

extension String {
    fileprivate func replacingEvery(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
