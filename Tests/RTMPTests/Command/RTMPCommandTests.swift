import Media
import NIOCore
import Testing

@testable import RTMP

@Suite struct RTMPCommandTests {
    static let status = RTMPStatus(
        level: .status,
        code: .publishStart,
        description: "Started publishing stream.",
        details: "s",
        clientID: "id",
        otherProperties: [AMF0Property("extra", .number(1))]
    )

    static let all: [RTMPCommand] = [
        .connect(RTMPConnectCommand.client(app: "live", tcUrl: "rtmp://h/live", publishing: true)),
        .connect(
            RTMPConnectCommand(
                transactionID: 1,
                properties: [AMF0Property("app", .string("live"))],
                optionalArguments: [.string("token"), .boolean(true)]
            )
        ),
        .releaseStream(transactionID: 2, streamName: "s"),
        .fcPublish(transactionID: 3, streamName: "s?k=v"),
        .fcUnpublish(transactionID: 6, streamName: "s"),
        .createStream(transactionID: 4),
        .deleteStream(transactionID: 7, streamID: 1),
        .publish(transactionID: 5, streamName: "s", type: .live),
        .publish(transactionID: 5, streamName: "s", type: .record),
        .publish(transactionID: 5, streamName: "s", type: .append),
        .play(RTMPPlayCommand(transactionID: 4, streamName: "s")),
        .play(RTMPPlayCommand(transactionID: 4, streamName: "s", start: -2000)),
        .play(RTMPPlayCommand(transactionID: 4, streamName: "s", start: -1, duration: -1)),
        .play(RTMPPlayCommand(transactionID: 4, streamName: "s", start: 0, duration: 10, reset: true)),
        .play2(transactionID: 0, parameters: .object([AMF0Property("streamName", .string("s2"))])),
        .pause(transactionID: 0, isPause: true, milliseconds: 1234),
        .pause(transactionID: 0, isPause: false, milliseconds: 0),
        .closeStream,
        .getStreamLength(transactionID: 3, streamName: "s"),
        .checkBandwidth(transactionID: 5),
        .result(transactionID: 1, values: [.object([]), .object([AMF0Property("code", .string("x"))])]),
        .error(transactionID: 2, values: [.null, .object([AMF0Property("level", .string("error"))])]),
        .onStatus(status),
        .onStatus(RTMPStatus(level: .error, code: .other("Custom.Code"), description: "")),
        .onFCPublish(RTMPStatus(code: .publishStart, description: "Started publishing stream.")),
        .onFCUnpublish(RTMPStatus(code: .unpublishSuccess, description: "Stop publishing stream.")),
        .onBWDone,
        .unknown(name: "FCSubscribe", transactionID: 4, arguments: [.null, .string("s")]),
        .unknown(name: "receiveAudio", transactionID: 0, arguments: [.null, .boolean(true)]),
    ]

    @Test(arguments: all)
    func roundTrip(_ command: RTMPCommand) throws {
        let message = command.message(streamID: 1, timestamp: 0)
        #expect(message.type == .amf0Command)
        #expect(message.chunkStreamID == RTMPChunkStreamID.command)
        #expect(message.streamID == 1)
        #expect(try RTMPCommand(message) == command)
    }

    @Test(arguments: all)
    func roundTripAsAMF3Command(_ command: RTMPCommand) throws {
        var payload = ByteBuffer(bytes: [0x00])
        payload.writeAMF0Values(command.amf0Values)
        let message = RTMPMessage(type: .amf3Command, streamID: 0, payload: payload)
        #expect(try RTMPCommand(message) == command)
    }

    @Test func namesAreWireNames() {
        #expect(RTMPCommand.checkBandwidth(transactionID: 1).name == "_checkbw")
        #expect(RTMPCommand.fcPublish(transactionID: 1, streamName: "").name == "FCPublish")
        #expect(RTMPCommand.result(transactionID: 1, values: []).name == "_result")
        #expect(RTMPCommandName.allCases.count == 19)
    }

    @Test func decodesCapturedFFmpegConnect() throws {
        // ffmpeg 5.1 (Lavf59.27.100) publishing to rtmp://127.0.0.1:44477/live/test.
        let bytes: [UInt8] =
            AMF0Bytes.string("connect") + AMF0Bytes.number(1)
            + AMF0Bytes.object([
                ("app", AMF0Bytes.string("live")), ("type", AMF0Bytes.string("nonprivate")),
                ("flashVer", AMF0Bytes.string("FMLE/3.0 (compatible; Lavf59.27.100)")),
                ("tcUrl", AMF0Bytes.string("rtmp://127.0.0.1:44477/live")),
            ])
        let command = try RTMPCommand(RTMPMessage(type: .amf0Command, streamID: 0, payload: ByteBuffer(bytes: bytes)))
        guard case .connect(let connect) = command else {
            Issue.record("not a connect: \(command)")
            return
        }
        #expect(connect.transactionID == 1)
        #expect(connect.app == "live")
        #expect(connect.type == "nonprivate")
        #expect(connect.tcUrl == "rtmp://127.0.0.1:44477/live")
        #expect(connect.flashVer == "FMLE/3.0 (compatible; Lavf59.27.100)")
        #expect(connect.objectEncoding == 0)
    }

    @Test func connectResultGoldenBytes() {
        let expected =
            AMF0Bytes.string("_result") + AMF0Bytes.number(1)
            + AMF0Bytes.object([
                ("fmsVer", AMF0Bytes.string("FMS/3,5,3,888")), ("capabilities", AMF0Bytes.number(127)),
                ("mode", AMF0Bytes.number(1)),
            ])
            + AMF0Bytes.object([
                ("level", AMF0Bytes.string("status")), ("code", AMF0Bytes.string("NetConnection.Connect.Success")),
                ("description", AMF0Bytes.string("Connection succeeded")), ("objectEncoding", AMF0Bytes.number(3)),
            ])
        let message = RTMPCommand.connectResult(transactionID: 1, objectEncoding: 3).message()
        #expect(Array(buffer: message.payload) == expected)
    }

    @Test func replyBuilderGoldenBytes() {
        #expect(
            Array(buffer: RTMPCommand.undefinedResult(transactionID: 2).message().payload)
                == AMF0Bytes.string("_result") + AMF0Bytes.number(2) + AMF0Bytes.null + AMF0Bytes.undefined
        )
        #expect(
            Array(buffer: RTMPCommand.createStreamResult(transactionID: 4, streamID: 1).message().payload)
                == AMF0Bytes.string("_result") + AMF0Bytes.number(4) + AMF0Bytes.null + AMF0Bytes.number(1)
        )
        #expect(
            Array(buffer: RTMPCommand.onBWDone.message().payload)
                == AMF0Bytes.string("onBWDone") + AMF0Bytes.number(0) + AMF0Bytes.null
        )
        #expect(
            Array(buffer: RTMPCommand.onFCPublish(RTMPStatus.publishStart(streamName: "s")).message().payload)
                == AMF0Bytes.string("onFCPublish") + AMF0Bytes.number(0) + AMF0Bytes.null
                + AMF0Bytes.object([
                    ("code", AMF0Bytes.string("NetStream.Publish.Start")),
                    ("description", AMF0Bytes.string("Started publishing stream.")), ("details", AMF0Bytes.string("s")),
                ])
        )
    }

    @Test func replyAccessors() {
        #expect(RTMPCommand.createStreamResult(transactionID: 4, streamID: 7).createdStreamID == 7)
        #expect(RTMPCommand.undefinedResult(transactionID: 4).createdStreamID == nil)
        let rejected = RTMPCommand.connectRejected(transactionID: 1, description: "no")
        #expect(rejected.resultStatus?.code == .connectRejected)
        #expect(rejected.resultStatus?.level == .error)
        #expect(RTMPCommand.connectResult(transactionID: 1, objectEncoding: 0).resultStatus?.code == .connectSuccess)
    }

    @Test func lenientDecoding() throws {
        func decode(_ bytes: [UInt8]) throws -> RTMPCommand {
            try RTMPCommand(RTMPMessage(type: .amf0Command, streamID: 1, payload: ByteBuffer(bytes: bytes)))
        }
        // publish without a type is live; an unknown type too.
        #expect(
            try decode(AMF0Bytes.string("publish") + AMF0Bytes.number(5) + AMF0Bytes.null + AMF0Bytes.string("s"))
                == .publish(transactionID: 5, streamName: "s", type: .live)
        )
        #expect(
            try decode(
                AMF0Bytes.string("publish") + AMF0Bytes.number(5) + AMF0Bytes.null + AMF0Bytes.string("s")
                    + AMF0Bytes.string("LIVE")
            ) == .publish(transactionID: 5, streamName: "s", type: .live)
        )
        // A command without a transaction id.
        #expect(try decode(AMF0Bytes.string("createStream")) == .createStream(transactionID: 0))
        // play's reset as a number (old Flash).
        let play = try decode(
            AMF0Bytes.string("play") + AMF0Bytes.number(0) + AMF0Bytes.null + AMF0Bytes.string("s")
                + AMF0Bytes.number(-2) + AMF0Bytes.number(-1) + AMF0Bytes.number(1)
        )
        #expect(play == .play(RTMPPlayCommand(transactionID: 0, streamName: "s", start: -2, duration: -1, reset: true)))
        // pause with a number flag.
        #expect(
            try decode(
                AMF0Bytes.string("pause") + AMF0Bytes.number(0) + AMF0Bytes.null + AMF0Bytes.number(1)
                    + AMF0Bytes.number(5)
            )
                == .pause(transactionID: 0, isPause: true, milliseconds: 5)
        )
        // onStatus without an info object stays unknown rather than failing.
        #expect(
            try decode(AMF0Bytes.string("onStatus") + AMF0Bytes.number(0) + AMF0Bytes.null)
                == .unknown(name: "onStatus", transactionID: 0, arguments: [.null])
        )
        // ffmpeg's server sends onBWDone with a number argument.
        #expect(
            try decode(AMF0Bytes.string("onBWDone") + AMF0Bytes.number(0) + AMF0Bytes.null + AMF0Bytes.number(8192))
                == .onBWDone
        )
    }

    @Test func malformedCommandsThrow() {
        func decode(_ bytes: [UInt8], type: RTMPMessageType = .amf0Command) throws -> RTMPCommand {
            try RTMPCommand(RTMPMessage(type: type, streamID: 0, payload: ByteBuffer(bytes: bytes)))
        }
        #expect(throws: RTMPMessageError.malformedCommand) { try decode([]) }
        #expect(throws: RTMPMessageError.malformedCommand) { try decode(AMF0Bytes.number(1)) }
        #expect(throws: RTMPMessageError.malformedCommand) { try decode([0x02, 0x00, 0x05, 0x61]) }
        #expect(throws: RTMPMessageError.malformedCommand) { try decode([0x42]) }
        #expect(throws: RTMPMessageError.malformedCommand) { try decode(AMF0Bytes.string("play"), type: .amf0Data) }
    }

    @Test func statusCodesRoundTrip() {
        for code in RTMPStatusCode.allKnown {
            #expect(RTMPStatusCode(rawValue: code.rawValue) == code)
            #expect(code.rawValue.hasPrefix("Net"))
        }
        #expect(RTMPStatusCode(rawValue: "NetStream.Play.Start") == .playStart)
        #expect(RTMPStatusCode(rawValue: "Made.Up") == .other("Made.Up"))
        #expect(RTMPStatusCode.other("Made.Up").rawValue == "Made.Up")
    }

    @Test func statusReadsMissingLevelAsStatus() {
        let value: AMF0Value = .object([AMF0Property("code", .string("NetStream.Publish.Start"))])
        let status = RTMPStatus(value)
        #expect(status?.level == .status)
        #expect(status?.code == .publishStart)
        #expect(RTMPStatus(.object([AMF0Property("level", .string("error"))])) == nil)
        #expect(RTMPStatus(.null) == nil)
    }
}
