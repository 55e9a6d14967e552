import Testing

@testable import Config

/// `transcode [scope] { engine NAME { } }` and `ingest ID { input { } engine { } }` in SRS's shapes.
@Suite struct TranscodeConfigurationTests {
    private static func vhost(_ body: String) throws -> (VhostConfiguration, [ConfigWarning]) {
        let (configuration, warnings) = try ServerConfiguration.parse(
            text: "vhost __defaultVhost__ {\n\(body)\n}\n", file: "conf/x.conf")
        return (configuration.vhost(named: VhostConfiguration.defaultName), warnings)
    }

    private static func failure(_ body: String) -> ConfigError? {
        do {
            _ = try vhost(body)
            return nil
        } catch {
            return error as? ConfigError
        }
    }

    @Test func srsTranscodeBlockIsRead() throws {
        let (vhost, warnings) = try Self.vhost(
            """
            transcode live/cam {
                enabled on;
                ffmpeg ./objs/ffmpeg/bin/ffmpeg;
                engine ld {
                    enabled on;
                    vcodec libx264;
                    vbitrate 500;
                    vfps 25;
                    vwidth 640;
                    vheight 0;
                    vthreads 2;
                    vprofile main;
                    vpreset veryfast;
                    vparams { bf 0; tune zerolatency; }
                    acodec aac;
                    abitrate 64;
                    asample_rate 44100;
                    achannels 2;
                    aparams { profile:a aac_low; }
                    iformat flv;
                    oformat flv;
                    output rtmp://127.0.0.1:[port]/[app]?vhost=[vhost]/[stream]_[engine];
                }
                engine copy { enabled off; vcodec copy; acodec an; output rtmp://127.0.0.1/[app]/[stream]_copy; }
            }
            """)
        #expect(warnings.isEmpty, "\(warnings)")
        let transcode = try #require(vhost.transcodes.first)
        #expect(transcode.scope == "live/cam")
        #expect(transcode.applies(app: "live", stream: "cam"))
        #expect(!transcode.applies(app: "live", stream: "other"))
        #expect(transcode.activeEngines.map(\.name) == ["ld"])
        let engine = try #require(transcode.engines.first)
        #expect(engine.videoCodec == .encode("libx264"))
        #expect(engine.videoBitrate == 500 && engine.videoFPS == 25 && engine.videoWidth == 640 && engine.videoHeight == nil)
        #expect(engine.videoThreads == 2 && engine.videoProfile == "main" && engine.videoPreset == "veryfast")
        #expect(engine.videoParameters.map(\.name) == ["bf", "tune"])
        #expect(engine.videoParameters.first?.location.line == 15)
        #expect(engine.audioCodec == .encode("aac") && engine.audioBitrate == 64)
        #expect(engine.audioSampleRate == 44100 && engine.audioChannels == 2)
        #expect(engine.audioParameters.first?.name == "profile:a")
        #expect(engine.videoCodecLocation?.line == 7)
        #expect(
            engine.outputURL(vhost: "v", port: 19350, app: "live", stream: "cam")
                == "rtmp://127.0.0.1:19350/live?vhost=v/cam_ld")
        #expect(transcode.engines[1].videoCodec == .copy && transcode.engines[1].audioCodec == .drop)
    }

    @Test func scopesAndDefaults() throws {
        let (vhost, _) = try Self.vhost(
            """
            transcode { enabled on; engine a { enabled on; output rtmp://h/[app]/[stream]_a; } }
            transcode live { engine b { enabled on; output rtmp://h/[app]/[stream]_b; } }
            """)
        #expect(vhost.transcodes.count == 2)
        #expect(vhost.transcodes[0].applies(app: "any", stream: "thing"))
        // SRS: a transcode block is off unless it says `enabled on`.
        #expect(!vhost.transcodes[1].applies(app: "live", stream: "x"))
        #expect(vhost.transcodes[0].engines[0].videoCodec == .copy)
        #expect(vhost.transcodes[0].engines[0].audioCodec == .copy)
    }

    @Test func ingestBlockIsRead() throws {
        let (vhost, warnings) = try Self.vhost(
            """
            ingest livestream {
                enabled on;
                input { type file; url ./samples/sample.flv; }
                ffmpeg ./objs/ffmpeg/bin/ffmpeg;
                engine { enabled off; output rtmp://127.0.0.1:[port]/live?vhost=[vhost]/livestream; }
            }
            """)
        #expect(warnings.isEmpty, "\(warnings)")
        let ingest = try #require(vhost.ingests.first)
        #expect(ingest.id == "livestream" && ingest.enabled)
        #expect(ingest.inputType == .file && ingest.inputURL == "./samples/sample.flv")
        #expect(ingest.engines.count == 1 && !ingest.engines[0].enabled)
    }

    @Test func mistakesAreReportedWithTheirLine() {
        let engineWithoutOutput = Self.failure("transcode live {\n enabled on;\n engine ld { enabled on; vcodec libx264; }\n}")
        #expect(engineWithoutOutput?.location.line == 4)
        #expect(engineWithoutOutput?.message.contains("has no output") == true)
        let oddWidth = Self.failure("transcode { engine a {\n vwidth 641;\n} }")
        #expect(oddWidth?.location.line == 3)
        let badFormat = Self.failure("transcode { engine a {\n oformat mp4;\n} }")
        #expect(badFormat?.message.contains("only flv") == true)
        let device = Self.failure("ingest cam {\n input {\n type device;\n }\n}")
        #expect(device?.location.line == 4)
        let noURL = Self.failure("ingest cam { enabled on; engine { output rtmp://h/a/b; } }")
        #expect(noURL?.message.contains("no input url") == true)
        let twice = Self.failure("transcode { engine a { } engine a { } }")
        #expect(twice?.message.contains("already defined") == true)
        let parameterShape = Self.failure("transcode { engine a { vparams {\n bf;\n } } }")
        #expect(parameterShape?.location.line == 3)
    }

    @Test func filtersAreWarnedAboutNotSilentlyDropped() throws {
        let (_, warnings) = try Self.vhost("transcode { engine a { vfilter { i x.png; } } }")
        #expect(warnings.map(\.directive) == ["vfilter"])
    }
}
