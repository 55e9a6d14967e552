import Config
import Testing

@testable import Transcode

@Suite struct TranscodeValidatorTests {
    /// A vhost with one transcode engine made of `body` (line 5 is the first line of `body`).
    static func configuration(_ body: String) throws -> ServerConfiguration {
        let text = """
            vhost __defaultVhost__ {
                transcode live {
                    enabled on;
                    engine ld {
            \(body)
                        output rtmp://127.0.0.1:[port]/[app]/[stream]_[engine];
                    }
                }
            }
            """
        return try ServerConfiguration.parse(text: text, file: "conf/t.conf").0
    }

    static func error(_ body: String) throws -> String? {
        let configuration = try configuration(body)
        let error = #expect(throws: ConfigError.self) { try TranscodeValidator.validate(configuration) }
        return error?.description
    }

    @Test func goodEngineValidates() throws {
        let configuration = try Self.configuration(
            """
            enabled on; vcodec libx264; vbitrate 500; vprofile main; vpreset veryfast;
            vparams { bf 0; x264-params scenecut=0; b:v 500k; bsf:v h264_mp4toannexb; }
            acodec aac; abitrate 64; aparams { profile:a aac_low; }
            """)
        try TranscodeValidator.validate(configuration)
    }

    @Test func unknownVideoEncoderIsReportedAtItsLine() throws {
        let message = try Self.error("enabled on;\nvcodec libx999;")
        #expect(message == "conf/t.conf:6: unknown video encoder 'libx999'")
    }

    @Test func audioEncoderAsVideoIsRefused() throws {
        let message = try Self.error("enabled on;\nvcodec aac;")
        #expect(message == "conf/t.conf:6: unknown video encoder 'aac'")
    }

    @Test func unknownAudioEncoderIsReportedAtItsLine() throws {
        let message = try Self.error("enabled on;\nvcodec copy;\nacodec mp99;")
        #expect(message == "conf/t.conf:7: unknown audio encoder 'mp99'")
    }

    @Test func unknownOptionIsReportedAtItsLine() throws {
        let message = try Self.error("enabled on;\nvcodec libx264;\nvparams {\nfoo 1;\n}")
        #expect(message == "conf/t.conf:8: encoder libx264 has no option 'foo'")
    }

    @Test func badPresetAndProfileAreReported() throws {
        let preset = try Self.error("enabled on;\nvcodec libx264;\nvpreset warpspeed;")
        #expect(preset?.hasPrefix("conf/t.conf:7: encoder libx264 does not accept preset 'warpspeed'") == true)
        let profile = try Self.error("enabled on;\nvcodec libx264;\nvprofile ultra;")
        #expect(profile?.hasPrefix("conf/t.conf:7: encoder libx264 does not accept profile 'ultra'") == true)
    }

    @Test func disabledEnginesAreNotChecked() throws {
        let configuration = try Self.configuration("enabled off;\nvcodec libx999;")
        try TranscodeValidator.validate(configuration)
    }
}
