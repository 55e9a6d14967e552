import Media

/// Messages shaped like the ones real peers send, field for field.
enum AMF0Samples {
    /// The body of a player's `connect` command (RTMP 1.0 §7.2.1.1), with the fields ffplay and
    /// librtmp send: command name, transaction id 1 and the command object.
    static let connectCommand: [AMF0Value] = [
        .string("connect"),
        .number(1),
        .object([
            AMF0Property("app", .string("live")),
            AMF0Property("flashVer", .string("LNX 9,0,124,2")),
            AMF0Property("tcUrl", .string("rtmp://127.0.0.1:1935/live")),
            AMF0Property("fpad", .boolean(false)),
            AMF0Property("capabilities", .number(15)),
            AMF0Property("audioCodecs", .number(4071)),
            AMF0Property("videoCodecs", .number(252)),
            AMF0Property("videoFunction", .number(1)),
            AMF0Property("objectEncoding", .number(0)),
        ]),
    ]

    /// The body of an OBS-style `@setDataFrame` data message carrying `onMetaData`
    /// (FLV spec §E.5) for 1280x720 H.264 at 30 fps with 48 kHz stereo AAC.
    static let setDataFrame: [AMF0Value] = [
        .string("@setDataFrame"),
        .string("onMetaData"),
        .ecmaArray([
            AMF0Property("duration", .number(0)),
            AMF0Property("fileSize", .number(0)),
            AMF0Property("width", .number(1280)),
            AMF0Property("height", .number(720)),
            AMF0Property("videocodecid", .number(7)),
            AMF0Property("videodatarate", .number(2500)),
            AMF0Property("framerate", .number(30)),
            AMF0Property("audiocodecid", .number(10)),
            AMF0Property("audiodatarate", .number(160)),
            AMF0Property("audiosamplerate", .number(48_000)),
            AMF0Property("audiosamplesize", .number(16)),
            AMF0Property("audiochannels", .number(2)),
            AMF0Property("stereo", .boolean(true)),
            AMF0Property("2.1", .boolean(false)),
            AMF0Property("3.1", .boolean(false)),
            AMF0Property("4.0", .boolean(false)),
            AMF0Property("4.1", .boolean(false)),
            AMF0Property("5.1", .boolean(false)),
            AMF0Property("7.1", .boolean(false)),
            AMF0Property("encoder", .string("obs-output module (libobs version 30.1.2)")),
        ]),
    ]
}
