import Media
import NIOCore
import Testing

@testable import RTMP

@Suite struct RTMPServerSessionStateMachineTests {
    static func undefinedResult(_ txn: Double) -> ServerStep {
        .send([.command(.undefinedResult(transactionID: txn), streamID: 0)])
    }

    @Test func ffmpegPublishSequence() throws {
        var machine = RTMPServerSessionStateMachine()
        #expect(machine.state == .handshaken)
        #expect(try machine.feed(RealClients.ffmpegPublishConnect()) == [expectedConnectReplies()])
        #expect(machine.state == .connected)
        #expect(machine.connectCommand?.flashVer == "FMLE/3.0 (compatible; Lavf59.27.100)")
        #expect(
            try machine.feed(.releaseStream(transactionID: 2, streamName: "livestream")) == [Self.undefinedResult(2)]
        )
        #expect(try machine.feed(.fcPublish(transactionID: 3, streamName: "livestream")) == [Self.undefinedResult(3)])
        #expect(
            try machine.feed(.createStream(transactionID: 4))
                == [.send([.command(.createStreamResult(transactionID: 4, streamID: 1), streamID: 0)])]
        )
        // ffmpeg answers onBWDone with _checkbw.
        #expect(
            try machine.feed(.checkBandwidth(transactionID: 5)) == [
                .send([.command(.nullResult(transactionID: 5), streamID: 0)])
            ]
        )
        #expect(
            try machine.feed(.publish(transactionID: 6, streamName: "livestream", type: .live), streamID: 1)
                == [.requestPublish(streamKey: "127.0.0.1/live/livestream", messageStreamID: 1)]
        )
        #expect(machine.state == .publishPending)
        #expect(machine.streamRequest?.port == 1935)

        let accepted = machine.publishAccepted().map(ServerStep.init)
        #expect(
            accepted == [
                .send([
                    .command(
                        .onFCPublish(
                            RTMPStatus(
                                code: .publishStart,
                                description: "Started publishing stream.",
                                details: "livestream"
                            )
                        ),
                        streamID: 1
                    ),
                    .command(.onStatus(.publishStart(streamName: "livestream")), streamID: 1),
                ])
            ]
        )
        #expect(machine.state == .publishing)

        // ffmpeg's close: FCUnpublish, then deleteStream.
        #expect(
            try machine.feed(.fcUnpublish(transactionID: 7, streamName: "livestream"), streamID: 0) == [
                .stopPublishing,
                .send([
                    .command(
                        .onFCUnpublish(
                            RTMPStatus(
                                code: .unpublishSuccess,
                                description: "Stop publishing stream.",
                                details: "livestream"
                            )
                        ),
                        streamID: 1
                    ),
                    .command(.undefinedResult(transactionID: 7), streamID: 1),
                    .command(.onStatus(.unpublishSuccess(streamName: "livestream")), streamID: 1),
                ]),
            ]
        )
        #expect(machine.state == .connected)
        #expect(try machine.feed(.deleteStream(transactionID: 8, streamID: 1)) == [])
        #expect(machine.state == .connected)
    }

    @Test func obsPublishSequenceWithKeyInApp() throws {
        // OBS with server rtmp://example.com/live?vhost=v.example.com and key "key?token=1".
        var machine = RTMPServerSessionStateMachine(configuration: .init(chunkSize: 4096, clientID: "hw1"))
        let tcUrl = "rtmp://example.com/live?vhost=v.example.com"
        #expect(
            try machine.feed(RealClients.obsConnect(app: "live?vhost=v.example.com", tcUrl: tcUrl))
                == [expectedConnectReplies(chunkSize: 4096)]
        )
        #expect(
            try machine.feed(.releaseStream(transactionID: 2, streamName: "key?token=1")) == [Self.undefinedResult(2)]
        )
        #expect(try machine.feed(.fcPublish(transactionID: 3, streamName: "key?token=1")) == [Self.undefinedResult(3)])
        #expect(try machine.feed(.createStream(transactionID: 4)).count == 1)
        let actions = machine.received(
            .publish(transactionID: 5, streamName: "key?token=1", type: .live),
            messageStreamID: 1
        )
        guard case .requestPublish(let request, 1)? = actions.first, actions.count == 1 else {
            Issue.record("expected requestPublish, got \(actions)")
            return
        }
        #expect(request.streamKey == "v.example.com/live/key")
        #expect(request.parameter("token") == "1")
        let steps = machine.publishAccepted().map(ServerStep.init)
        guard case .send(let sent)? = steps.first else {
            Issue.record("no replies")
            return
        }
        #expect(sent.map(\.command?.name) == ["onFCPublish", "onStatus"])
        #expect(
            sent.last == .command(.onStatus(.publishStart(streamName: "key?token=1", clientID: "hw1")), streamID: 1)
        )
    }

    @Test func flashPublishGetsNoOnFCPublish() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPlayConnect())
        _ = try machine.feed(.createStream(transactionID: 2))
        _ = try machine.feed(.publish(transactionID: 3, streamName: "s", type: .record), streamID: 1)
        #expect(
            machine.publishAccepted().map(ServerStep.init) == [
                .send([.command(.onStatus(.publishStart(streamName: "s")), streamID: 1)])
            ]
        )
        // deleteStream without FCUnpublish stops publishing without a reply.
        #expect(try machine.feed(.deleteStream(transactionID: 4, streamID: 1)) == [.stopPublishing])
        #expect(machine.state == .connected)
    }

    @Test func ffmpegPlaySequenceAndGoldenReplies() throws {
        var machine = RTMPServerSessionStateMachine()
        #expect(try machine.feed(RealClients.ffmpegPlayConnect()) == [expectedConnectReplies()])
        #expect(
            try machine.feed(.createStream(transactionID: 2))
                == [.send([.command(.createStreamResult(transactionID: 2, streamID: 1), streamID: 0)])]
        )
        #expect(
            try machine.feed(.checkBandwidth(transactionID: 3)) == [
                .send([.command(.nullResult(transactionID: 3), streamID: 0)])
            ]
        )
        // ffmpeg asks for the length unless -rtmp_live live.
        #expect(
            try machine.feed(.getStreamLength(transactionID: 4, streamName: "livestream"))
                == [.send([.command(.streamLengthResult(transactionID: 4), streamID: 0)])]
        )
        let play = RTMPPlayCommand(transactionID: 5, streamName: "livestream", start: -2000)
        #expect(
            try machine.feed(.play(play), streamID: 1)
                == [.requestPlay(streamKey: "127.0.0.1/live/livestream", streamName: "livestream", messageStreamID: 1)]
        )
        #expect(machine.state == .playPending)

        let actions = machine.playAccepted()
        #expect(machine.state == .playing)
        guard case .send(let messages)? = actions.first, actions.count == 1 else {
            Issue.record("expected one send, got \(actions)")
            return
        }
        // Golden bytes of the play replies.
        let status = { (code: String, description: String) in
            AMF0Bytes.string("onStatus") + AMF0Bytes.number(0) + AMF0Bytes.null
                + AMF0Bytes.object([
                    ("level", AMF0Bytes.string("status")), ("code", AMF0Bytes.string(code)),
                    ("description", AMF0Bytes.string(description)), ("details", AMF0Bytes.string("livestream")),
                ])
        }
        let expected: [(UInt8, UInt32, [UInt8])] = [
            (4, 0, [0, 0, 0, 0, 0, 1]),
            (20, 1, status("NetStream.Play.Reset", "Playing and resetting stream.")),
            (20, 1, status("NetStream.Play.Start", "Started playing stream.")),
            (18, 1, AMF0Bytes.string("|RtmpSampleAccess") + AMF0Bytes.boolean(true) + AMF0Bytes.boolean(true)),
        ]
        #expect(messages.count == expected.count)
        for (message, (typeID, streamID, bytes)) in zip(messages, expected) {
            #expect(message.typeID == typeID)
            #expect(message.streamID == streamID)
            #expect(Array(buffer: message.payload) == bytes)
        }
        // Commands and data go on the command chunk stream, never the shared media ones.
        #expect(messages.map(\.chunkStreamID) == [2, 3, 3, 3])

        // ffmpeg's close.
        #expect(try machine.feed(.deleteStream(transactionID: 6, streamID: 1)) == [.stopPlaying])
        #expect(machine.state == .connected)
    }

    @Test func playRepliesWithOptionalMessages() throws {
        var machine = RTMPServerSessionStateMachine(
            configuration: .init(sendsDataStart: true, sendsStreamIsRecorded: true)
        )
        _ = try machine.feed(RealClients.ffmpegPlayConnect())
        _ = try machine.feed(.play(RTMPPlayCommand(transactionID: 2, streamName: "s")), streamID: 1)
        let steps = machine.playAccepted().map(ServerStep.init)
        guard case .send(let sent)? = steps.first else {
            Issue.record("no replies")
            return
        }
        #expect(sent.first == .control(.userControl(.streamIsRecorded(streamID: 1))))
        #expect(sent.last == .data(.dataStart, streamID: 1))
        #expect(sent.count == 6)
    }

    @Test func rtmpdumpPlaySequence() throws {
        var machine = RTMPServerSessionStateMachine()
        #expect(try machine.feed(RealClients.rtmpdumpConnect()) == [expectedConnectReplies()])
        // librtmp answers onBWDone with _checkbw and may ask for the stream length.
        #expect(
            try machine.feed(.checkBandwidth(transactionID: 2)) == [
                .send([.command(.nullResult(transactionID: 2), streamID: 0)])
            ]
        )
        #expect(try machine.feed(.createStream(transactionID: 3)).count == 1)
        #expect(
            try machine.feed(.getStreamLength(transactionID: 4, streamName: "s"), streamID: 1)
                == [.send([.command(.streamLengthResult(transactionID: 4), streamID: 0)])]
        )
        // rtmpdump -v (live) plays from -1000.
        let play = RTMPPlayCommand(transactionID: 5, streamName: "s", start: -1000)
        #expect(
            try machine.feed(.play(play), streamID: 1) == [
                .requestPlay(streamKey: "127.0.0.1/live/s", streamName: "s", messageStreamID: 1)
            ]
        )
        #expect(machine.playAccepted().count == 1)
        #expect(machine.state == .playing)
    }

    @Test func objectEncodingIsEchoed() throws {
        var machine = RTMPServerSessionStateMachine()
        var connect = RTMPConnectCommand.client(app: "live", tcUrl: "rtmp://h/live", publishing: false)
        connect.properties.removeAll { $0.key == "objectEncoding" }
        connect.properties.append(AMF0Property("objectEncoding", .number(3)))
        #expect(try machine.feed(.connect(connect)) == [expectedConnectReplies(objectEncoding: 3)])
    }

    @Test func commandsBeforeConnectClose() throws {
        for command: RTMPCommand in [
            .publish(transactionID: 1, streamName: "s", type: .live), .createStream(transactionID: 1),
            .play(RTMPPlayCommand(transactionID: 1, streamName: "s")),
            .releaseStream(transactionID: 1, streamName: "s"),
        ] {
            var machine = RTMPServerSessionStateMachine()
            #expect(try machine.feed(command) == [.close(.commandBeforeConnect)])
            #expect(machine.state == .closed)
            // Nothing happens after close.
            #expect(try machine.feed(RealClients.ffmpegPublishConnect()) == [])
        }
        var machine = RTMPServerSessionStateMachine()
        let actions = machine.received(.publish(transactionID: 1, streamName: "s", type: .live), messageStreamID: 1)
        guard case .close(let reason)? = actions.first else {
            Issue.record("expected close")
            return
        }
        #expect(reason.detail == "publish")
    }

    @Test func connectTwiceCloses() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPublishConnect())
        #expect(try machine.feed(RealClients.ffmpegPublishConnect()) == [.close(.duplicateConnect)])
        #expect(machine.state == .closed)
    }

    @Test func connectWithoutUsableTcUrlIsRejected() throws {
        for tcUrl: AMF0Value? in [nil, .string("http://h/live"), .string("live"), .number(1)] {
            var machine = RTMPServerSessionStateMachine()
            var properties = [AMF0Property("app", .string("live"))]
            if let tcUrl { properties.append(AMF0Property("tcUrl", tcUrl)) }
            let steps = try machine.feed(.connect(RTMPConnectCommand(properties: properties)))
            #expect(
                steps == [
                    .send([
                        .command(
                            .connectRejected(transactionID: 1, description: "connect needs an rtmp:// tcUrl"),
                            streamID: 0
                        )
                    ]),
                    .close(.invalidTcUrl),
                ]
            )
            #expect(machine.state == .closed)
        }
    }

    @Test func publishWithEmptyNameIsBadName() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPublishConnect())
        _ = try machine.feed(.createStream(transactionID: 2))
        let steps = try machine.feed(.publish(transactionID: 3, streamName: "", type: .live), streamID: 1)
        guard case .send(let sent)? = steps.first, case .command(.onStatus(let status), 1)? = sent.first else {
            Issue.record("expected onStatus, got \(steps)")
            return
        }
        #expect(status.level == .error)
        #expect(status.code == .publishBadName)
        #expect(steps.last == .close(.invalidStreamName))
        #expect(machine.state == .closed)
    }

    @Test func playWithEmptyNameIsStreamNotFound() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPlayConnect())
        let steps = try machine.feed(.play(RTMPPlayCommand(transactionID: 2, streamName: "")), streamID: 1)
        guard case .send(let sent)? = steps.first, case .command(.onStatus(let status), 1)? = sent.first else {
            Issue.record("expected onStatus, got \(steps)")
            return
        }
        #expect(status.code == .playStreamNotFound)
        #expect(steps.last == .close(.invalidStreamName))
    }

    @Test func rejectionsSendErrorStatusAndClose() throws {
        var publisher = RTMPServerSessionStateMachine()
        _ = try publisher.feed(RealClients.ffmpegPublishConnect())
        _ = try publisher.feed(.publish(transactionID: 2, streamName: "s", type: .live), streamID: 1)
        let rejected = publisher.publishRejected(.publishBadName, description: "Stream s is busy").map(ServerStep.init)
        #expect(
            rejected == [
                .send([
                    .command(
                        .onStatus(
                            RTMPStatus(
                                level: .error,
                                code: .publishBadName,
                                description: "Stream s is busy",
                                details: "s"
                            )
                        ),
                        streamID: 1
                    )
                ]),
                .close(.publishRejected),
            ]
        )
        #expect(publisher.state == .closed)

        var player = RTMPServerSessionStateMachine()
        _ = try player.feed(RealClients.ffmpegPlayConnect())
        _ = try player.feed(.play(RTMPPlayCommand(transactionID: 2, streamName: "s")), streamID: 1)
        let playRejected = player.playRejected(.playStreamNotFound, description: "no such stream").map(ServerStep.init)
        #expect(playRejected.last == .close(.playRejected))
        #expect(player.state == .closed)
    }

    @Test func publishOrPlayWhileBusyCloses() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPublishConnect())
        _ = try machine.feed(.publish(transactionID: 2, streamName: "s", type: .live), streamID: 1)
        _ = machine.publishAccepted()
        #expect(
            try machine.feed(.play(RTMPPlayCommand(transactionID: 3, streamName: "s")), streamID: 1)
                == [.stopPublishing, .close(.unexpectedCommand)]
        )
    }

    @Test func withdrawnRequestsUndoAcceptance() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPublishConnect())
        _ = try machine.feed(.publish(transactionID: 2, streamName: "s", type: .live), streamID: 1)
        #expect(try machine.feed(.deleteStream(transactionID: 3, streamID: 1)) == [])
        #expect(machine.state == .connected)
        #expect(machine.publishAccepted().map(ServerStep.init) == [.stopPublishing])
        #expect(machine.publishRejected(.publishBadName, description: "x").isEmpty)

        var player = RTMPServerSessionStateMachine()
        _ = try player.feed(RealClients.ffmpegPlayConnect())
        _ = try player.feed(.play(RTMPPlayCommand(transactionID: 2, streamName: "s")), streamID: 1)
        #expect(player.connectionClosed().isEmpty)
        #expect(player.playAccepted().map(ServerStep.init) == [.stopPlaying])
    }

    @Test func pauseAndUnpause() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPlayConnect())
        _ = try machine.feed(.play(RTMPPlayCommand(transactionID: 2, streamName: "s")), streamID: 1)
        _ = machine.playAccepted()
        #expect(
            try machine.feed(.pause(transactionID: 0, isPause: true, milliseconds: 1000), streamID: 1) == [
                .pause(true),
                .send([
                    .command(.onStatus(.pauseNotify(streamName: "s")), streamID: 1),
                    .control(.userControl(.streamEOF(streamID: 1))),
                ]),
            ]
        )
        // A repeated pause changes nothing.
        #expect(try machine.feed(.pause(transactionID: 0, isPause: true, milliseconds: 1000), streamID: 1) == [])
        #expect(
            try machine.feed(.pause(transactionID: 0, isPause: false, milliseconds: 1000), streamID: 1) == [
                .pause(false),
                .send([
                    .command(.onStatus(.unpauseNotify(streamName: "s")), streamID: 1),
                    .control(.userControl(.streamBegin(streamID: 1))),
                ]),
            ]
        )
        #expect(try machine.feed(.closeStream, streamID: 1) == [.stopPlaying])
    }

    @Test func notificationsForPlayers() throws {
        var machine = RTMPServerSessionStateMachine()
        #expect(machine.unpublishNotify().isEmpty)
        _ = try machine.feed(RealClients.ffmpegPlayConnect())
        _ = try machine.feed(.play(RTMPPlayCommand(transactionID: 2, streamName: "s?token=1")), streamID: 1)
        #expect(machine.publishNotify().isEmpty)
        _ = machine.playAccepted()
        #expect(
            machine.unpublishNotify().map(Decoded.init)
                == [.command(.onStatus(.playUnpublishNotify(streamName: "s?token=1")), streamID: 1)]
        )
        #expect(
            machine.publishNotify().map(Decoded.init)
                == [.command(.onStatus(.playPublishNotify(streamName: "s?token=1")), streamID: 1)]
        )
        #expect(machine.state == .playing)
    }

    @Test func unknownCallsAreAnsweredAndNotificationsIgnored() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPlayConnect())
        #expect(
            try machine.feed(.unknown(name: "FCSubscribe", transactionID: 3, arguments: [.null, .string("s")]))
                == [.send([.command(.nullResult(transactionID: 3), streamID: 0)])]
        )
        #expect(
            try machine.feed(.unknown(name: "receiveAudio", transactionID: 0, arguments: [.null, .boolean(true)])) == []
        )
        #expect(try machine.feed(.result(transactionID: 9, values: [])) == [])
        #expect(try machine.feed(.fcUnpublish(transactionID: 4, streamName: "s")) == [Self.undefinedResult(4)])
    }

    @Test func connectionClosedStopsStreaming() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPublishConnect())
        _ = try machine.feed(.publish(transactionID: 2, streamName: "s", type: .live), streamID: 1)
        _ = machine.publishAccepted()
        #expect(machine.connectionClosed().map(ServerStep.init) == [.stopPublishing])
        #expect(machine.state == .closed)
        #expect(machine.connectionClosed().isEmpty)
    }

    @Test func republishAfterFCUnpublish() throws {
        var machine = RTMPServerSessionStateMachine()
        _ = try machine.feed(RealClients.ffmpegPublishConnect())
        _ = try machine.feed(.publish(transactionID: 2, streamName: "a", type: .live), streamID: 1)
        _ = machine.publishAccepted()
        _ = try machine.feed(.fcUnpublish(transactionID: 3, streamName: "a"))
        #expect(
            try machine.feed(.publish(transactionID: 4, streamName: "b", type: .live), streamID: 1)
                == [.requestPublish(streamKey: "127.0.0.1/live/b", messageStreamID: 1)]
        )
    }
}
