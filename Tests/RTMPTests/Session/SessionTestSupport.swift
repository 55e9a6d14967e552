import Media
import NIOCore
import Testing

@testable import RTMP

/// A message decoded into something comparable, for asserting reply sequences.
enum Decoded: Equatable, CustomStringConvertible {
    case command(RTMPCommand, streamID: UInt32)
    case control(RTMPControlMessage)
    case data(RTMPDataMessage, streamID: UInt32)
    case other(typeID: UInt8)

    init(_ message: RTMPMessage) {
        if let command = try? RTMPCommand(message) {
            self = .command(command, streamID: message.streamID)
        } else if let control = try? RTMPControlMessage(message) {
            self = .control(control)
        } else if let data = try? RTMPDataMessage(message) {
            self = .data(data, streamID: message.streamID)
        } else {
            self = .other(typeID: message.typeID)
        }
    }

    var description: String {
        switch self {
        case .command(let command, let id):
            return "command(\(command.name), txn \(command.transactionID), stream \(id))"
        case .control(let control): return "control(\(control))"
        case .data(let data, let id): return "data(\(data.handler), stream \(id))"
        case .other(let typeID): return "other(\(typeID))"
        }
    }

    var command: RTMPCommand? {
        if case .command(let command, _) = self { return command }
        return nil
    }
}

/// A server action made comparable.
enum ServerStep: Equatable {
    case send([Decoded])
    case requestConnect(tcUrl: String?)
    case requestPublish(streamKey: String, messageStreamID: UInt32)
    case requestPlay(streamKey: String, streamName: String, messageStreamID: UInt32)
    case stopPublishing
    case stopPlaying
    case pause(Bool)
    case close(RTMPSessionError)

    init(_ action: RTMPServerSessionStateMachine.Action) {
        switch action {
        case .send(let messages): self = .send(messages.map(Decoded.init))
        case .requestConnect(let connect, _): self = .requestConnect(tcUrl: connect.tcUrl)
        case .requestPublish(let request, let id):
            self = .requestPublish(streamKey: request.streamKey, messageStreamID: id)
        case .requestPlay(let request, let play, let id):
            self = .requestPlay(streamKey: request.streamKey, streamName: play.streamName, messageStreamID: id)
        case .stopPublishing: self = .stopPublishing
        case .stopPlaying: self = .stopPlaying
        case .pause(let flag): self = .pause(flag)
        case .close(let reason): self = .close(reason)
        }
    }
}

extension RTMPServerSessionStateMachine {
    /// Feeds a command through an encode/decode round trip, as the wire would, as an application
    /// that allows every connect: a `requestConnect` is answered with `connectAccepted()` at once.
    mutating func feed(_ command: RTMPCommand, streamID: UInt32 = 0) throws -> [ServerStep] {
        var steps: [ServerStep] = []
        for step in try feedGated(command, streamID: streamID) {
            if case .requestConnect = step {
                steps += connectAccepted().map(ServerStep.init)
            } else {
                steps.append(step)
            }
        }
        return steps
    }

    /// Feeds a command as the wire would, leaving a connect pending for the test to answer.
    mutating func feedGated(_ command: RTMPCommand, streamID: UInt32 = 0) throws -> [ServerStep] {
        let decoded = try RTMPCommand(command.message(streamID: streamID))
        return received(decoded, messageStreamID: streamID).map(ServerStep.init)
    }
}

/// Connect commands as real clients send them (property sets from ffmpeg's gen_connect, OBS/librtmp's
/// SendConnectPacket and rtmpdump).
enum RealClients {
    static func ffmpegPublishConnect(tcUrl: String = "rtmp://127.0.0.1:1935/live") -> RTMPCommand {
        .connect(
            RTMPConnectCommand(
                transactionID: 1,
                properties: [
                    AMF0Property("app", .string("live")), AMF0Property("type", .string("nonprivate")),
                    AMF0Property("flashVer", .string("FMLE/3.0 (compatible; Lavf59.27.100)")),
                    AMF0Property("tcUrl", .string(tcUrl)),
                ]
            )
        )
    }

    static func ffmpegPlayConnect(tcUrl: String = "rtmp://127.0.0.1:1935/live") -> RTMPCommand {
        .connect(
            RTMPConnectCommand(
                transactionID: 1,
                properties: [
                    AMF0Property("app", .string("live")), AMF0Property("flashVer", .string("LNX 9,0,124,2")),
                    AMF0Property("tcUrl", .string(tcUrl)), AMF0Property("fpad", .boolean(false)),
                    AMF0Property("capabilities", .number(15)), AMF0Property("audioCodecs", .number(4071)),
                    AMF0Property("videoCodecs", .number(252)), AMF0Property("videoFunction", .number(1)),
                ]
            )
        )
    }

    static func obsConnect(app: String = "live", tcUrl: String = "rtmp://example.com/live") -> RTMPCommand {
        .connect(
            RTMPConnectCommand(
                transactionID: 1,
                properties: [
                    AMF0Property("app", .string(app)), AMF0Property("type", .string("nonprivate")),
                    AMF0Property("flashVer", .string("FMLE/3.0 (compatible; FMSc/1.0)")),
                    AMF0Property("swfUrl", .string(tcUrl)), AMF0Property("tcUrl", .string(tcUrl)),
                ]
            )
        )
    }

    static func rtmpdumpConnect(tcUrl: String = "rtmp://127.0.0.1:1935/live") -> RTMPCommand {
        .connect(
            RTMPConnectCommand(
                transactionID: 1,
                properties: [
                    AMF0Property("app", .string("live")), AMF0Property("flashVer", .string("LNX 10,0,32,18")),
                    AMF0Property("tcUrl", .string(tcUrl)), AMF0Property("fpad", .boolean(false)),
                    AMF0Property("capabilities", .number(239)), AMF0Property("audioCodecs", .number(3575)),
                    AMF0Property("videoCodecs", .number(252)), AMF0Property("videoFunction", .number(1)),
                    AMF0Property("objectEncoding", .number(0)),
                ]
            )
        )
    }
}

/// The replies every accepted connect gets, with the default configuration.
func expectedConnectReplies(objectEncoding: Double = 0, chunkSize: UInt32 = 60000) -> ServerStep {
    .send([
        .control(.windowAcknowledgementSize(2_500_000)),
        .control(.setPeerBandwidth(2_500_000, limitType: .dynamic)),
        .control(.setChunkSize(chunkSize)),
        .command(.connectResult(transactionID: 1, objectEncoding: objectEncoding), streamID: 0),
        .command(.onBWDone, streamID: 0),
    ])
}
