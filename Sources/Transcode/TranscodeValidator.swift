import CLibAV
public import Config

/// Checks what only libav knows, for `headwater -t` and reloads: every engine's encoders exist for their
/// media type, every `vparams`/`aparams` option exists for its encoder, and `vprofile`/`vpreset` are
/// accepted. Errors point at the directive's file:line.
public enum TranscodeValidator {
    /// The size the video encoder is opened at to check a profile or preset.
    static let probeWidth: Int32 = 64
    static let probeHeight: Int32 = 64

    public static func validate(_ configuration: ServerConfiguration) throws(ConfigError) {
        for name in configuration.vhosts.keys.sorted() {
            guard let vhost = configuration.vhosts[name] else { continue }
            for transcode in vhost.transcodes where transcode.enabled {
                for engine in transcode.activeEngines { try validate(engine) }
            }
            for ingest in vhost.ingests where ingest.enabled {
                for engine in ingest.engines where engine.enabled { try validate(engine) }
            }
        }
    }

    static func validate(_ engine: TranscodeEngineConfiguration) throws(ConfigError) {
        if case .encode(let name) = engine.videoCodec {
            let location = engine.videoCodecLocation ?? engine.location
            let encoder = try encoder(name, type: AVMEDIA_TYPE_VIDEO, kind: "video", at: location)
            try checkOptions(engine.videoParameters, of: encoder)
            try checkProfileAndPreset(engine, encoder: encoder)
        }
        if case .encode(let name) = engine.audioCodec {
            let location = engine.audioCodecLocation ?? engine.location
            let encoder = try encoder(name, type: AVMEDIA_TYPE_AUDIO, kind: "audio", at: location)
            try checkOptions(engine.audioParameters, of: encoder)
        }
    }

    private static func encoder(
        _ name: String, type: AVMediaType, kind: String, at location: SourceLocation
    ) throws(ConfigError) -> LibAVCodecContext {
        do {
            return try LibAVCodecContext(encoderNamed: name, mediaType: type)
        } catch {
            throw ConfigError(.invalidValue, at: location, "unknown \(kind) encoder '\(name)'")
        }
    }

    private static func checkOptions(
        _ parameters: [TranscodeEngineConfiguration.Parameter], of encoder: LibAVCodecContext
    ) throws(ConfigError) {
        for parameter in parameters {
            guard let name = TranscodeOptions.optionName(parameter.name) else { continue }
            guard encoder.hasOption(name) else {
                throw ConfigError(
                    .invalidValue, at: parameter.location, "encoder \(encoder.name) has no option '\(parameter.name)'")
            }
            do {
                try encoder.setOption(name, parameter.value)
            } catch {
                throw ConfigError(
                    .invalidValue, at: parameter.location,
                    "encoder \(encoder.name) refuses \(parameter.name) '\(parameter.value)': \(error.message)")
            }
        }
    }

    /// A profile or preset is checked by opening the encoder small with it: libav's encoders accept
    /// any string at `av_opt_set` and refuse unknown names only at open.
    private static func checkProfileAndPreset(
        _ engine: TranscodeEngineConfiguration, encoder: LibAVCodecContext
    ) throws(ConfigError) {
        let checks: [(String, String?, SourceLocation?)] = [
            ("preset", engine.videoPreset, engine.videoPresetLocation),
            ("profile", engine.videoProfile, engine.videoProfileLocation),
        ]
        for (option, value, location) in checks {
            guard let value else { continue }
            let at = location ?? engine.location
            do {
                let probe = try LibAVCodecContext(encoderNamed: encoder.name, mediaType: AVMEDIA_TYPE_VIDEO)
                try probe.setOption(option, value)
                let context = probe.pointer
                context.pointee.width = probeWidth
                context.pointee.height = probeHeight
                context.pointee.pix_fmt = VideoTranscoder.pixelFormat(for: probe.codec)
                context.pointee.time_base = VideoTranscoder.millisecondTimeBase
                context.pointee.framerate = AVRational(num: 25, den: 1)
                context.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
                // A hardware encoder may fail to open here for lack of a device: only software encoders are
                // opened (their refusal is then the value's fault).
                guard probe.codec.pointee.capabilities & Int32(AV_CODEC_CAP_HARDWARE) == 0 else { continue }
                try probe.open()
            } catch {
                throw ConfigError(
                    .invalidValue, at: at, "encoder \(encoder.name) does not accept \(option) '\(value)': \(error.message)")
            }
        }
    }
}
