import Foundation
import Media
import NIOCore
import Testing

@testable import RTMP

/// Real client sessions (see Fixtures/sessions/README.md) replayed into the server state machine.
@Suite struct RTMPCapturedSessionTests {
    static func load(_ name: String) throws -> [RTMPMessage] {
        let url = try #require(
            Bundle.module.url(forResource: name, withExtension: "rtmpcap", subdirectory: "Fixtures/sessions")
        )
        var buffer = ByteBuffer(bytes: try Data(contentsOf: url))
        var messages: [RTMPMessage] = []
        while buffer.readableBytes > 0 {
            let header = buffer.readMultipleIntegers(as: (UInt8, UInt32, UInt32, UInt32).self)
            let (typeID, streamID, timestamp, length) = try #require(header)
            let slice = buffer.readSlice(length: Int(length))
            let payload = try #require(slice)
            messages.append(
                RTMPMessage(
                    typeID: typeID,
                    streamID: streamID,
                    timestamp: timestamp,
                    chunkStreamID: RTMPChunkStreamID.command,
                    payload: payload
                )
            )
        }
        return messages
    }

    struct Replay {
        var machine = RTMPServerSessionStateMachine()
        var commands: [RTMPCommand] = []
        var steps: [ServerStep] = []
        var metadataCount = 0

        /// Feeds every message the way the RTMP handler would: commands to the machine (requests
        /// accepted at once), data messages to `scriptBody(of:)`, control messages decoded only.
        mutating func run(_ messages: [RTMPMessage]) throws {
            for message in messages {
                switch message.type {
                case .amf0Command, .amf3Command:
                    let command = try RTMPCommand(message)
                    commands.append(command)
                    for action in machine.received(command, messageStreamID: message.streamID) {
                        steps.append(ServerStep(action))
                        switch action {
                        case .requestConnect: steps += machine.connectAccepted().map(ServerStep.init)
                        case .requestPublish: steps += machine.publishAccepted().map(ServerStep.init)
                        case .requestPlay: steps += machine.playAccepted().map(ServerStep.init)
                        default: break
                        }
                    }
                case .amf0Data, .amf3Data:
                    #expect(machine.state == .publishing)
                    let body = try RTMPDataMessage.scriptBody(of: message)
                    #expect(body.isMetadata)
                    var reader = body.payload
                    let values = try reader.readAMF0Values()
                    #expect(values.first == .string("onMetaData"))
                    guard case .ecmaArray(let properties)? = values.last else {
                        Issue.record("metadata is not an ECMA array: \(values)")
                        continue
                    }
                    #expect(properties.contains { $0.key == "width" })
                    metadataCount += 1
                default:
                    #expect(try RTMPControlMessage(message) != nil)
                }
            }
        }

        var requests: [ServerStep] {
            steps.filter {
                switch $0 {
                case .requestPublish, .requestPlay: return true
                default: return false
                }
            }
        }

        var sentCommandNames: [String] {
            steps.flatMap { step -> [String] in
                guard case .send(let decoded) = step else { return [] }
                return decoded.compactMap(\.command?.name)
            }
        }
    }

    @Test(arguments: ["ffmpeg-publish", "gst-rtmpsink-publish", "gst-rtmp2sink-publish"])
    func publishers(_ name: String) throws {
        var replay = Replay()
        try replay.run(try Self.load(name))
        #expect(replay.requests == [.requestPublish(streamKey: "127.0.0.1/live/test", messageStreamID: 1)])
        // FMLE sequence: every publisher sent releaseStream and FCPublish, so onFCPublish precedes Publish.Start.
        let names = replay.sentCommandNames
        let fcPublish = try #require(names.firstIndex(of: "onFCPublish"))
        let onStatus = try #require(names.firstIndex(of: "onStatus"))
        #expect(fcPublish < onStatus)
        #expect(replay.metadataCount >= 1)
        // Each ended with FCUnpublish + deleteStream: the publish stopped once, the connection stays usable.
        #expect(replay.steps.filter { $0 == .stopPublishing }.count == 1)
        #expect(replay.machine.state == .connected)
        #expect(!replay.steps.contains { if case .close = $0 { return true } else { return false } })
    }

    @Test func ffmpegPublishDetails() throws {
        var replay = Replay()
        try replay.run(try Self.load("ffmpeg-publish"))
        #expect(
            replay.commands.map(\.name)
                == [
                    "connect", "releaseStream", "FCPublish", "createStream", "_checkbw", "publish", "FCUnpublish",
                    "deleteStream",
                ]
        )
        #expect(replay.commands.map(\.transactionID) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(replay.commands.last == .deleteStream(transactionID: 8, streamID: 1))
        #expect(replay.machine.connectCommand?.flashVer?.hasPrefix("FMLE/3.0") == true)
    }

    @Test func gstreamerRtmp2Quirks() throws {
        let commands = try Self.load("gst-rtmp2sink-publish").filter { $0.type == .amf0Command }.map(RTMPCommand.init)
        // Transaction id 0 for FMLE calls and publish; deleteStream names the stream instead of its id.
        #expect(commands[1] == .releaseStream(transactionID: 0, streamName: "test"))
        #expect(commands.contains(.publish(transactionID: 0, streamName: "test", type: .live)))
        #expect(commands.last == .deleteStream(transactionID: 0, streamID: 0))
    }

    @Test(arguments: ["ffmpeg-play", "rtmpdump-play", "gst-rtmp2src-play"])
    func players(_ name: String) throws {
        var replay = Replay()
        try replay.run(try Self.load(name))
        guard case .requestPlay(let key, let streamName, let id)? = replay.requests.first, replay.requests.count == 1
        else {
            Issue.record("expected one play request, got \(replay.requests)")
            return
        }
        #expect(key == "127.0.0.1/live/test")
        #expect(streamName == "test")
        #expect(id == 1)
        #expect(replay.machine.state == .playing)
        #expect(replay.sentCommandNames.suffix(2) == ["onStatus", "onStatus"])
        // Every call with a transaction id got an answer (ffmpeg and librtmp track their calls).
        let answered = Set(
            replay.steps.flatMap { step -> [Double] in
                guard case .send(let decoded) = step else { return [] }
                return decoded.compactMap {
                    if case .result(let txn, _)? = $0.command { return txn }
                    return nil
                }
            }
        )
        let calls = replay.commands.filter {
            if case .play = $0 { return false }
            return $0.transactionID != 0
        }
        #expect(Set(calls.map(\.transactionID)) == answered)
    }

    @Test func playStartPositions() throws {
        func play(_ name: String) throws -> RTMPPlayCommand? {
            for message in try Self.load(name) where message.type == .amf0Command {
                if case .play(let play) = try RTMPCommand(message) { return play }
            }
            return nil
        }
        #expect(try play("ffmpeg-play")?.start == -2000)
        #expect(try play("rtmpdump-play")?.start == -1000)
        #expect(try play("gst-rtmp2src-play")?.start == -2)
        #expect(try play("gst-rtmp2src-play")?.transactionID == 0)
    }
}
